# The Debian package (`cpack -G DEB` in the release build): the install rules' files under /usr,
# Depends computed by dpkg-shlibdeps from the executable's libraries, the version from project()
# and the release from docs/debian/changelog's first entry, which must name the same version.
set(MORPHAEUS_CHANGELOG ${PROJECT_SOURCE_DIR}/docs/debian/changelog)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MORPHAEUS_CHANGELOG})
file(STRINGS ${MORPHAEUS_CHANGELOG} MORPHAEUS_CHANGELOG_HEAD LIMIT_COUNT 1)
if(NOT MORPHAEUS_CHANGELOG_HEAD MATCHES "^morphaeus \\(([0-9.]+)-([0-9]+)\\) ")
  message(FATAL_ERROR "${MORPHAEUS_CHANGELOG}:1: expected 'morphaeus (VERSION-RELEASE) ...', "
                      "got '${MORPHAEUS_CHANGELOG_HEAD}'")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "${MORPHAEUS_CHANGELOG}:1: version ${CMAKE_MATCH_1} is not the project's "
                      "${PROJECT_VERSION} (CMakeLists.txt project()); add an entry for it")
endif()
set(CPACK_DEBIAN_PACKAGE_RELEASE ${CMAKE_MATCH_2})

# Debian wants the changelog gzipped with no name or time stamp in it (-n), and the copyright.
find_program(MORPHAEUS_GZIP gzip REQUIRED)  # also core/app/CMakeLists.txt (the man page)
execute_process(COMMAND ${MORPHAEUS_GZIP} -9nc ${MORPHAEUS_CHANGELOG}
                OUTPUT_FILE ${CMAKE_BINARY_DIR}/changelog.Debian.gz RESULT_VARIABLE gzip_rc)
if(NOT gzip_rc EQUAL 0)
  message(FATAL_ERROR "gzip of ${MORPHAEUS_CHANGELOG} failed (${gzip_rc})")
endif()
install(FILES ${CMAKE_BINARY_DIR}/changelog.Debian.gz ${PROJECT_SOURCE_DIR}/docs/debian/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(MORPHAEUS_PACKAGE_CONTACT "MorphAEus-cpp developers <morphaeus-cpp@example.org>"
    CACHE STRING "the Debian package's Maintainer")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME morphaeus)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${MORPHAEUS_PACKAGE_CONTACT})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "deformable autoencoders (MorphAEus) for anomaly detection in chest X-rays")
set(CPACK_PACKAGE_DESCRIPTION
    "MorphAEus-cpp trains and evaluates MorphAEus (MICCAI 2023) and its eight
baselines from the authors' YAML configs, with PyTorch-compatible
checkpoints, the paper's evaluation protocol and reports. Includes the
paper's configs, their synthetic-data twins and the split CSVs.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# LibTorch takes any libblas.so.3, and apt then picks the reference BLAS; the tests and the
# benchmarks ran on OpenBLAS (scripts/setup.sh), which apt installs with the package by default.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "man-db, bash-completion")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # morphaeus_0.1.0-1_amd64.deb
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/package)
include(CPack)
