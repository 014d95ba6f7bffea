// `morphaeus reproduce --synthetic` end to end on a tiny version of the sweep: every method twin
// in configs/ trains and evaluates through the real executable for two seeds; the paper's table
// (bootstrap of the first seed), the intervals and DeLong's tests agree with NumPy + sklearn run
// on the runs' scores.csv (tests/python/bootstrap_check.py), the seeds table with the runs'
// metrics.json; a second call skips the finished runs and a run whose marker is gone resumes
// from its latest checkpoint.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/base/cpu_budget.h"
#include "tests/test_support.h"

namespace morphaeus::test {
namespace {
namespace fs = std::filesystem;

TEST(ReproduceCli, SyntheticSweepWritesTablesAndSkipsFinishedRuns) {
  const std::string d = makeTempDir("reproduce");
  fs::create_directories(d + "/configs");
  for (const char* m :
       {"ae-s", "ae-d", "vae", "b-vae", "aae", "si-vae", "dae", "baseline", "morphaeus"}) {
    fs::copy_file(sourcePath(std::string("configs/") + m + ".yaml"), d + "/configs/" + m + ".yaml");
  }
  // tinyDemoArgs' --device and --set flags, as reproduce options for every run.
  const std::string sweep = "cd " + d + " && '" + MORPHAEUS_EXE +
                            "' reproduce --synthetic --seeds 2 --epochs 1 --compare AE-S,VAE" +
                            tinyDemoArgs(16, 6, 8);
  CommandResult first = runCommand(sweep);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("18 run(s) done, 0 skipped"), std::string::npos) << first.err;
  const std::string out = d + "/runs/reproduce";
  for (const char* f : {"table.md", "table.csv", "table.tex", "table_stats.md", "table_stats.csv",
                        "table_stats.tex", "table_pairs.md", "table_pairs.csv", "table_seeds.md",
                        "table_seeds.csv", "table_seeds.tex", "auroc.png", "report.html"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  const std::string md = readText(out + "/table.md");
  std::size_t at = 0;  // the paper's order
  for (const char* m : {"| AE-S |", "| AE-D |", "| VAE |", "| beta-VAE |", "| AAE |", "| SI-VAE |",
                        "| DAE |", "| MorphAEus-woPLM |", "| MorphAEus |"}) {
    const auto found = md.find(m, at);
    ASSERT_NE(found, std::string::npos) << m << "\n" << md;
    at = found;
  }
  EXPECT_NE(md.find(" ± "), std::string::npos) << md;  // bootstrap std
  EXPECT_NE(md.find("average AUROC"), std::string::npos) << md;
  EXPECT_NE(md.find("**"), std::string::npos) << md;  // best bold
  EXPECT_NE(readText(out + "/table.tex").find("\\textbf{"), std::string::npos);
  EXPECT_NE(readText(out + "/table.tex").find("$\\pm$"), std::string::npos);
  EXPECT_NE(readText(out + "/table_stats.md").find("DeLong z vs MorphAEus"), std::string::npos);
  EXPECT_NE(readText(out + "/table_pairs.md").find("| AE-S vs VAE |"), std::string::npos);
  EXPECT_NE(first.out.find("## The paper's protocol"), std::string::npos) << first.out;

  // The sweep's report.html: the tables, the figure and a working link to every run's page.
  const RenderedPage page = renderInBrowser(out + "/report.html");
  for (const auto& p : page.problems) ADD_FAILURE() << p;
  EXPECT_NE(page.dom.find("DeLong"), std::string::npos);
  EXPECT_NE(page.dom.find("morphaeus/seed-2109/report.html"), std::string::npos) << page.dom;

  // table.csv and table_stats.csv recomputed from the runs' scores.csv with NumPy and sklearn.
  CommandResult boot = runCommand(
      "/usr/bin/python3 " + sourcePath("tests/python/bootstrap_check.py") + " reproduce " + out);
  ASSERT_EQ(boot.exit_code, 0) << boot.err << boot.out;

  const std::string check =
      "import csv, glob, json; import numpy as np\n"
      "out = '" +
      out +
      "'\n"
      "rows = {r['method']: r for r in csv.DictReader(open(out + '/table_seeds.csv'))}\n"
      "names = {'ae-s': 'AE-S', 'ae-d': 'AE-D', 'vae': 'VAE', 'b-vae': 'beta-VAE', 'aae': 'AAE',\n"
      "         'si-vae': 'SI-VAE', 'dae': 'DAE',\n"
      "         'baseline': 'MorphAEus-woPLM', 'morphaeus': 'MorphAEus'}\n"
      "assert set(rows) == set(names.values()), rows.keys()\n"
      "for stem, name in names.items():\n"
      "    runs = sorted(glob.glob(out + '/' + stem + '/seed-*/eval/opacity/metrics.json'))\n"
      "    assert len(runs) == 2, runs\n"
      "    for key, col in (('auroc', 'AUROC'), ('l1_mean', 'L1'), ('fpr_at_tpr95', 'FPR95')):\n"
      "        v = [json.load(open(f))['datasets']['Opacity_synthetic'][key] for f in runs]\n"
      "        r = rows[name]\n"
      "        assert abs(float(r['Opacity_synthetic ' + col + ' mean']) - np.mean(v)) < 1e-12, "
      "(name, key)\n"
      "        assert abs(float(r['Opacity_synthetic ' + col + ' std']) - np.std(v, ddof=1)) < "
      "1e-12, (name, key)\n"
      "    assert r['seeds'] == '2'\n"
      "print('ok')\n";
  writeText(d + "/check.py", check);
  CommandResult py = runCommand("/usr/bin/python3 " + d + "/check.py");
  ASSERT_EQ(py.exit_code, 0) << py.err << py.out;

  // Again: nothing to run. Without one run's marker: that run resumes from its checkpoint.
  CommandResult second = runCommand(sweep);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("0 run(s) done, 18 skipped"), std::string::npos) << second.err;
  fs::remove(out + "/ae-d/seed-2110/reproduce.json");
  CommandResult third = runCommand(sweep);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.err.find("1 run(s) done, 17 skipped"), std::string::npos) << third.err;
  EXPECT_NE(third.err.find("AE-D seed 2110: resuming from"), std::string::npos) << third.err;
}

// --jobs 2: two runs at once (here on one CPU: each gets one thread, and a warning says the runs
// share it), the same tables as one after another at the same threads per run; launch options
// that make no sense are refused before anything runs.
TEST(ReproduceCli, JobsRunSideBySideAndWriteTheSameTables) {
  const std::string d = makeTempDir("reproduce_jobs");
  fs::create_directories(d + "/configs");
  for (const char* m : {"ae-s", "vae"})
    fs::copy_file(sourcePath(std::string("configs/") + m + ".yaml"), d + "/configs/" + m + ".yaml");
  const std::vector<int> cpus = affinityCpuList();
  ASSERT_GE(cpus.size(), 1u);
  const std::string two_cpus =
      cpus.size() >= 2 ? "taskset -c " + std::to_string(cpus[0]) + "," + std::to_string(cpus[1])
                       : std::string();
  const std::string sweep = "' reproduce --synthetic --seeds 1 --epochs 1" + tinyDemoArgs(16, 6, 8);
  const std::string in = "cd " + d + " && ";
  CommandResult one = runCommand(in + "'" + MORPHAEUS_EXE + sweep + " --threads 1 --output one");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  // Two CPUs (where there are): one thread for each of the two runs.
  CommandResult two =
      runCommand(in + two_cpus + " '" + MORPHAEUS_EXE + sweep + " --jobs 2 --output two");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.err.find("2 run(s) at once, 1 thread(s) each (OMP_NUM_THREADS)"), std::string::npos)
      << two.err;
  EXPECT_NE(two.err.find("2 of 2 runs finished"), std::string::npos) << two.err;
  if (cpus.size() >= 2) {
    for (const char* run : {"ae-s", "vae"}) {
      const std::string log = readText(d + "/two/" + run + "/seed-2109/run.log");
      EXPECT_NE(log.find("1 thread(s) (OMP_NUM_THREADS)"), std::string::npos) << log;
    }
  }
  // Side by side: the second run started before the first finished.
  const auto second = two.err.find("reproduce: run 2/2"),
             first_done = two.err.find("reproduce: 1 of 2 runs finished");
  ASSERT_NE(second, std::string::npos) << two.err;
  EXPECT_LT(second, first_done) << two.err;
  for (const char* f : {"table.csv", "table_stats.csv", "table_seeds.csv"})
    EXPECT_EQ(readText(d + "/two/" + f), readText(d + "/one/" + f)) << f;

  // More runs at once than CPUs: allowed, with a warning naming both.
  CommandResult crowded = runCommand(in + "taskset -c " + std::to_string(cpus[0]) + " '" +
                                     MORPHAEUS_EXE + sweep + " --jobs 2 --output crowded");
  ASSERT_EQ(crowded.exit_code, 0) << crowded.err;
  EXPECT_NE(
      crowded.err.find("--jobs 2 with 1 CPU(s) (the CPU affinity mask): the runs share cores"),
      std::string::npos)
      << crowded.err;

  const std::string exe = "'" + std::string(MORPHAEUS_EXE) + "'";
  CommandResult r = runCommand("cd " + d + " && " + exe + " reproduce --synthetic --jobs 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--jobs"), std::string::npos) << r.err;
  r = runCommand("cd " + d + " && " + exe + " reproduce --synthetic --sbatch '--time 1'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--sbatch needs --launcher slurm"), std::string::npos) << r.err;
  r = runCommand("cd " + d + " && PATH=" + d + " " + exe +
                 " reproduce --synthetic --seeds 1 --launcher slurm --output s");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--launcher slurm: sbatch is not on PATH"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(d + "/s/slurm/submissions.json"));
}

TEST(ReproduceCli, FolderWithoutMethodConfigsFails) {
  const std::string s = makeTempDir("reproduce_compare");
  fs::create_directories(s + "/configs");
  fs::copy_file(sourcePath("configs/ae-s.yaml"), s + "/configs/ae-s.yaml");
  CommandResult bad = runCommand("cd " + s + " && '" + MORPHAEUS_EXE +
                                 "' reproduce --synthetic --seeds 1 --compare AE-S,Nope");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--compare AE-S,Nope: no method 'Nope'"), std::string::npos) << bad.err;

  const std::string d = makeTempDir("reproduce_none");
  CommandResult r =
      runCommand("cd " + d + " && '" + MORPHAEUS_EXE + "' reproduce --configs . --seeds 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("none of the method configs"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace morphaeus::test
