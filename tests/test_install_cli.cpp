// The program as installed (`cmake --install` into a temporary prefix) and run from a folder
// outside the checkout: it finds the shipped configs beside itself (<prefix>/share/morphaeus),
// lists them, prints one with its paths made valid for the new location, and dry-runs it, a
// paper config named as paper/<method>, and a printed and a named synthetic twin. The man page,
// the completion and the package's documents are installed too.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

TEST(InstalledTree, RunsOutsideTheSourceTreeWithItsShippedConfigs) {
  const std::string d = makeTempDir("install");
  const std::string build = fs::path(MORPHAEUS_EXE).parent_path().string();
  CommandResult install = runCommand("cmake --install '" + build + "' --prefix " + d + "/prefix");
  ASSERT_EQ(install.exit_code, 0) << install.err << install.out;
  const std::string exe = d + "/prefix/bin/morphaeus";
  ASSERT_TRUE(fs::exists(exe));
  for (const char* f :
       {"share/morphaeus/projects/morphaeus/configs/cxr/morphaeus.yaml",
        "share/morphaeus/configs/vae.yaml", "share/morphaeus/configs/demo.yaml",
        "share/morphaeus/data/splits/cxr_normal_test.csv", "share/man/man1/morphaeus.1.gz",
        "share/bash-completion/completions/morphaeus", "share/doc/morphaeus/changelog.Debian.gz",
        "share/doc/morphaeus/copyright"})
    EXPECT_TRUE(fs::exists(d + "/prefix/" + f)) << f;
  fs::create_directories(d + "/work");
  const std::string run = "cd " + d + "/work && env -u MORPHAEUS_DATA_DIR '" + exe + "' ";

  CommandResult version = runCommand(run + "--version");
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("morphaeus"), std::string::npos);
  CommandResult list = runCommand(run + "configs");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("in " + d + "/prefix/share/morphaeus"), std::string::npos) << list.out;
  for (const char* name : {"paper/morphaeus ", "paper/ae-s ", "synthetic/vae ", "demo "})
    EXPECT_NE(list.out.find(name), std::string::npos) << name << "\n" << list.out;

  CommandResult show = runCommand(run + "configs show paper/morphaeus");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const std::string text = show.out;
  writeText(d + "/work/paper.yaml", text);
  EXPECT_NE(text.find(d + "/prefix/share/morphaeus/data/splits/cxr_normal_test.csv"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# Downstream tasks"), std::string::npos);  // the comments stay, as they are
  EXPECT_NE(text.find("(./data/CXR/...)"), std::string::npos) << text;
  CommandResult paper = runCommand(run + "--config paper.yaml --dry-run");
  EXPECT_EQ(paper.exit_code, 0) << paper.err;
  CommandResult named = runCommand(run + "--config paper/morphaeus --dry-run");
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(named.out.find("task pneumonia"), std::string::npos) << named.out;

  CommandResult twin = runCommand(run + "configs show synthetic/morphaeus");
  ASSERT_EQ(twin.exit_code, 0) << twin.err;
  writeText(d + "/work/twin.yaml", twin.out);
  EXPECT_NE(twin.out.find("'runs/demo-data"), std::string::npos) << twin.out;
  CommandResult dry = runCommand(run + "--config twin.yaml --dry-run");
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find(d + "/work/runs/demo-data"), std::string::npos) << dry.out;
  // Named, the installed twin generates its data under ./runs too, not in the shared folder.
  CommandResult named_twin = runCommand(run + "--config synthetic/morphaeus --dry-run");
  EXPECT_EQ(named_twin.exit_code, 0) << named_twin.err;
  EXPECT_NE(named_twin.out.find(d + "/work/runs/demo-data"), std::string::npos) << named_twin.out;
  EXPECT_EQ(named_twin.out.find(d + "/prefix/share/morphaeus/runs"), std::string::npos);

  CommandResult unknown = runCommand(run + "configs show paper/nope");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no shipped config 'paper/nope'"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace morphaeus::test
