# Install rules (GNUInstallDirs): the executable to bin/, the shipped configs and the paper's
# split CSVs to share/morphaeus/ in the source tree's layout, so that the configs' relative paths
# (../../../../data/splits/...) hold there too. The installed program finds them relative to
# itself (core/base/shared_files.h).
include(GNUInstallDirs)
install(TARGETS morphaeus RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
set(MORPHAEUS_SHARE ${CMAKE_INSTALL_DATADIR}/morphaeus)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/ DESTINATION ${MORPHAEUS_SHARE}/configs
        FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/projects/morphaeus/configs/
        DESTINATION ${MORPHAEUS_SHARE}/projects/morphaeus/configs FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/splits/ DESTINATION ${MORPHAEUS_SHARE}/data/splits
        FILES_MATCHING PATTERN "*.csv")
# The man page and the bash completion the program writes after each build (core/app/CMakeLists.txt).
install(FILES ${CMAKE_BINARY_DIR}/share/man/man1/morphaeus.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/share/bash-completion/completions/morphaeus
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
