#include "core/app/man_page.h"

#include <sstream>

namespace morphaeus {
namespace {

// The sections that are not options: what the program does, where its files are, what it reads
// from the environment, how it exits, and how it is used.
constexpr const char* kName =
    "deformable autoencoders (MorphAEus) and their baselines for unsupervised anomaly detection "
    "in chest X-rays";

constexpr const char* kDescription =
    R"(Without a command, morphaeus runs one experiment from an iml-dl style YAML config (--config): it trains the model the config names, keeps the best checkpoint on the validation loss, then evaluates it on every downstream task and writes metrics.json, table.md, scores.csv, the figures and report.html into the run directory. With --task test it evaluates the --weights it is given instead. Without --config it runs the embedded demo: MorphAEus on a small synthetic chest X-ray set that it generates first.
The configs of the paper ("What Do AEs Learn? Challenging Common Assumptions in Unsupervised Anomaly Detection", Bercea, Rueckert, Schnabel, MICCAI 2023) are shipped with the program; morphaeus configs lists them and --config paper/NAME runs one. Checkpoints are PyTorch files in the authors' layout: torch.load reads ours, and we read theirs.)";

constexpr const char* kEnvironment[][2] = {
    {"MORPHAEUS_DATA_DIR",
     "Folder of the shipped files (configs, split CSVs), instead of ../share/morphaeus beside the "
     "executable."},
    {"MORPHAEUS_CPU_CACHE_MB",
     "Bound of the idle memory the CPU caching allocator keeps for reuse (default: half of the "
     "physical memory or of the cgroup's memory limit)."},
    {"MORPHAEUS_MALLOC", "system: use LibTorch's allocator without the cache."},
    {"OMP_NUM_THREADS, SLURM_CPUS_PER_TASK",
     "Without --threads, the threads are the smallest of these, the CPU affinity mask and the "
     "cgroup's CPU quota; under a launcher (LOCAL_WORLD_SIZE or SLURM_NTASKS_PER_NODE above 1) "
     "with neither set, the usable CPUs divided among the local ranks. Not a positive integer: "
     "exit code 2."},
    {"RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT",
     "A data-parallel run's rank and rendezvous (as torchrun sets them), unless given as options."},
    {"ONEDNN_MAX_CPU_ISA, ATEN_CPU_CAPABILITY",
     "Limit the CPU kernels oneDNN and ATen pick (e.g. AVX2, default); bf16 needs AVX512-BF16 or "
     "AMX-BF16."},
};

constexpr const char* kExitStatus[][2] = {
    {"0", "Success."},
    {"1", "A runtime failure: a file that cannot be read or written, a failed step."},
    {"2", "A usage or configuration error, reported in one line naming the file and the key."},
};

constexpr const char* kExamples[][2] = {
    {"morphaeus", "Run the embedded demo (synthetic data, a few minutes on a laptop)."},
    {"morphaeus configs show paper/morphaeus > morphaeus.yaml",
     "Start from the paper's MorphAEus config; edit the data paths, then run it with morphaeus "
     "--config morphaeus.yaml."},
    {"morphaeus --config paper/morphaeus --task test --weights best_model.pt",
     "Evaluate pretrained weights on the test splits."},
    {"morphaeus reproduce --seeds 5",
     "Train and evaluate every method five times: the paper's table."},
    {"morphaeus launch --nproc 4 -- morphaeus --config morphaeus.yaml",
     "The same run as four data-parallel ranks on this machine."},
};

// "\fB-c\fR, \fB--config\fR \fITEXT\fR", or "\fB--device\fR \fIauto|cpu|cuda|gpu\fR".
std::string optionHead(const OptionOutline& o) {
  if (!o.positional.empty())
    return "\\fI" + roffText(o.positional) + "\\fR" + (o.repeats ? "\\&..." : "");
  std::string head;
  for (const auto& n : o.names)
    head += (head.empty() ? "" : ", ") + ("\\fB" + roffText(n) + "\\fR");
  std::string value = o.value;
  if (!o.choices.empty()) {
    value.clear();
    for (const auto& c : o.choices) value += (value.empty() ? "" : "|") + c;
  }
  if (!value.empty()) head += " \\fI" + roffText(value) + "\\fR";
  return head + (o.repeats ? " \\&..." : "");
}

void writeOption(std::ostream& out, const OptionOutline& o) {
  out << ".TP\n" << optionHead(o) << "\n" << roffText(o.description);
  if (o.required) out << " (required)";
  out << "\n";
}

// The options, those of the "Options" group first, every other group under its own heading.
void writeOptions(std::ostream& out, const CommandOutline& c, const std::string& subheading) {
  std::vector<std::string> groups;
  for (const auto& o : c.options) {
    bool seen = false;
    for (const auto& g : groups) seen = seen || g == o.group;
    if (!seen) groups.push_back(o.group);
  }
  for (const auto& g : groups) {
    if (g != "Options" && g != "Positionals") {
      out << subheading << " \"" << roffText(g) << "\"\n";
    }
    for (const auto& o : c.options)
      if (o.group == g && !(o.help && !c.path.empty())) writeOption(out, o);
  }
}

// "morphaeus synth --out TEXT [OPTIONS]", "morphaeus [OPTIONS] [COMMAND]".
std::string synopsis(const CommandOutline& c) {
  std::string s = ".B " + roffText(c.pathText("morphaeus")) + "\n";
  for (const auto& o : c.options)
    if (o.required && !o.names.empty()) s += optionHead(o) + " ";
  s += "[\\fIOPTIONS\\fR]";
  for (const auto& o : c.options)
    if (!o.positional.empty()) s += " " + optionHead(o);
  if (!c.subcommands.empty()) s += c.needs_subcommand ? " \\fICOMMAND\\fR" : " [\\fICOMMAND\\fR]";
  return s + "\n";
}

void writeCommand(std::ostream& out, const CommandOutline& c) {
  out << ".SS \"" << roffText(c.pathText("morphaeus")) << "\"\n";
  out << roffText(c.description) << ".\n.PP\n" << synopsis(c);
  if (!c.subcommands.empty()) {
    out << ".PP\nCommands:";
    for (const auto& s : c.subcommands) out << " \\fB" << roffText(s.path.back()) << "\\fR";
    out << ".\n";
  }
  writeOptions(out, c, ".TP\n.B");
  for (const auto& s : c.subcommands) writeCommand(out, s);
}

template <std::size_t N>
void writeList(std::ostream& out, const char* const (&items)[N][2], bool code) {
  for (const auto& item : items) {
    out << ".TP\n" << (code ? ".B " : "") << roffText(item[0]) << "\n" << roffText(item[1]) << "\n";
  }
}

}  // namespace

std::string roffText(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char ch : text) {
    if (line_start && (ch == '.' || ch == '\'')) out += "\\&";
    line_start = ch == '\n';
    if (ch == '\\')
      out += "\\e";
    else if (ch == '-')
      out += "\\-";
    else
      out += ch;
  }
  return out;
}

std::string manPage(const CommandOutline& program, const ManPageFacts& facts) {
  std::ostringstream out;
  out << ".\\\" morphaeus(1), written by morphaeus --write-man-page from its command line.\n";
  out << ".TH MORPHAEUS 1 \"" << facts.date << "\" \"morphaeus " << roffText(facts.version)
      << "\" \"User Commands\"\n";
  out << ".nh\n.ad l\n.SH NAME\nmorphaeus \\- " << roffText(kName) << "\n";
  out << ".SH SYNOPSIS\n" << synopsis(program);
  for (const auto& s : program.subcommands) out << ".br\n" << synopsis(s);
  out << ".SH DESCRIPTION\n";
  std::istringstream paragraphs(kDescription);
  for (std::string p; std::getline(paragraphs, p);) out << ".PP\n" << roffText(p) << "\n";
  out << ".SH OPTIONS\n";
  writeOptions(out, program, ".SS");
  out << ".SH COMMANDS\n";
  for (const auto& s : program.subcommands) writeCommand(out, s);
  out << ".SH SHIPPED CONFIGS\nThe configs \\fBmorphaeus configs\\fR lists; --config and "
         "\\fBconfigs show\\fR take their names:\n.PP\n";
  for (std::size_t i = 0; i < facts.shipped_configs.size(); ++i)
    out << (i ? ",\n" : "") << "\\fB" << roffText(facts.shipped_configs[i]) << "\\fR";
  out << ".\n.SH FILES\n.TP\n.I <prefix>/share/morphaeus/projects/morphaeus/configs/cxr/\n"
         "The paper's configs (paper/NAME).\n.TP\n.I <prefix>/share/morphaeus/configs/\n"
         "Their synthetic-data twins (synthetic/NAME) and the demo.\n.TP\n"
         ".I <prefix>/share/morphaeus/data/splits/\nThe paper's split CSVs; image paths in them "
         "are relative to --data-root.\n";
  out << ".SH ENVIRONMENT\n";
  writeList(out, kEnvironment, true);
  out << ".SH EXIT STATUS\n";
  writeList(out, kExitStatus, true);
  out << ".SH EXAMPLES\n";
  writeList(out, kExamples, true);
  out << ".SH SEE ALSO\nThe README and the guides in docs/ of the source tree (RUNNING.md, "
         "EVALUATION.md, REPRODUCING.md, FIDELITY.md, MULTI_PROCESS.md, PERFORMANCE.md, "
         "INSTALL.md, ARCHITECTURE.md), the authors' code at "
         "https://github.com/ci\\-ber/MorphAEus.\n";
  return out.str();
}

}  // namespace morphaeus
