#include "sim/report/summary.hpp"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/common/strfmt.hpp"

namespace trainsim::report {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Report text helper (sim/common/strfmt.hpp).
template <class... Args>
std::string fmt(const char* format, Args... args) {
  return strfmt(format, args...);
}

const char* recompute_name(config::Recompute r) {
  switch (r) {
    case config::Recompute::kNone:
      return "none";
    case config::Recompute::kSelective:
      return "selective";
    case config::Recompute::kFull:
      return "full";
  }
  return "?";
}

const char* precision_name(config::Precision p) { return p == config::Precision::kFp8 ? "fp8" : "bf16"; }

// "12.3M tokens/s" style: SI prefix chosen so that the mantissa is below 1000.
std::string si_rate(double value, const char* unit) {
  static const char* const kPrefixes[] = {"", "k", "M", "G", "T", "P"};
  int i = 0;
  while (std::fabs(value) >= 1000.0 && i < 5) {
    value /= 1000.0;
    ++i;
  }
  return fmt("%.3g%s %s", value, kPrefixes[i], unit);
}

double share_pct(double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0.0; }

}  // namespace

std::string step_summary(const step::StepProfile& p, const config::ScenarioSpec& sc) {
  const config::TrainingSpec& tr = sc.training;
  const config::ParallelSpec& par = tr.parallelism;
  const int64_t per_pipeline = par.dp * tr.micro_batch;
  const int64_t micro_batches = per_pipeline > 0 ? tr.global_batch / per_pipeline : 0;
  std::string out;

  out += fmt("scenario    %s\n", sc.name.c_str());
  out +=
      fmt("GPUs        %lld x %s, platform '%s' (%lld nodes x %lld GPUs)\n", static_cast<long long>(p.gpus),
          sc.platform.node.gpu.c_str(), sc.platform.name.c_str(), static_cast<long long>(sc.platform.nodes),
          static_cast<long long>(sc.platform.node.gpus_per_node));
  out += fmt("layout      TP %lld x CP %lld x PP %lld x DP %lld, VPP %lld, ZeRO %lld, %s, recompute %s\n",
             static_cast<long long>(par.tp), static_cast<long long>(par.cp), static_cast<long long>(par.pp),
             static_cast<long long>(par.dp), static_cast<long long>(par.vpp),
             static_cast<long long>(par.zero), precision_name(tr.precision), recompute_name(tr.recompute));
  out += fmt("batch       %lld sequences x %lld tokens, micro-batch %lld, %lld micro-batches per pipeline\n",
             static_cast<long long>(tr.global_batch), static_cast<long long>(sc.model.seq_len),
             static_cast<long long>(tr.micro_batch), static_cast<long long>(micro_batches));
  out += "\n";

  // One time unit for the whole report so that the rows compare at a glance.
  const bool in_ms = p.time_s < 1.0;
  const double scale = in_ms ? 1e3 : 1.0;
  const char* unit = in_ms ? "ms" : "s";
  out += fmt("step time   %.3f %s\n", p.time_s * scale, unit);
  out += fmt("MFU         %.1f %%  (HFU %.1f %%, of %.1f TFLOP/s dense %s peak per GPU)\n", 100.0 * p.mfu,
             100.0 * p.hfu, p.peak_flop_per_s / 1e12, precision_name(tr.precision));
  out += fmt("throughput  %.1f model TFLOP/s per GPU, %s\n", p.tflops_per_gpu,
             si_rate(p.tokens_per_s, "tokens/s").c_str());
  out += "\n";

  const step::StepBreakdown& b = p.breakdown;
  struct Row {
    const char* name;
    double value;
  };
  const std::vector<Row> rows = {
      {"compute", b.compute_s},       {"TP exposed", b.tp_exposed_s}, {"CP exposed", b.cp_exposed_s},
      {"PP exposed", b.pp_exposed_s}, {"DP exposed", b.dp_exposed_s}, {"pipeline bubble", b.bubble_s},
      {"optimizer", b.optimizer_s},
  };
  out += "step time breakdown (critical pipeline rank)\n";
  out += fmt("  %-18s %12s %8s\n", "", "time", "share");
  double sum_s = 0;
  for (const Row& r : rows) {
    out += fmt("  %-18s %9.3f %-2s %6.1f %%\n", r.name, r.value * scale, unit, share_pct(r.value, p.time_s));
    sum_s += r.value;
  }
  out += fmt("  %-18s %9.3f %-2s %6.1f %%\n", "total", sum_s * scale, unit, share_pct(sum_s, p.time_s));
  out += "\n";

  const step::MemoryBreakdown& m = p.memory;
  const std::vector<Row> mem = {
      {"weights", m.weights_bytes},     {"gradients", m.gradients_bytes},
      {"optimizer", m.optimizer_bytes}, {"activations", m.activations_bytes},
      {"overhead", m.overhead_bytes},
  };
  out += "memory per GPU (most loaded pipeline stage)\n";
  for (const Row& r : mem) out += fmt("  %-18s %8.1f GiB\n", r.name, r.value / kGiB);
  out += fmt("  %-18s %8.1f GiB of %.1f GiB (%.0f %%)\n", "total", m.total_bytes() / kGiB,
             p.memory_capacity_bytes / kGiB, share_pct(m.total_bytes(), p.memory_capacity_bytes));
  return out;
}

}  // namespace trainsim::report
