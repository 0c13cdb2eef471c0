#include "sim/report/efficiency.hpp"

namespace trainsim::report {

int64_t allocated_gpus(const config::ScenarioSpec& s) {
  return s.gpus + s.failures.spare_nodes * s.platform.node.gpus_per_node;
}

double useful_flop(const step::StepProfile& step, const job::JobResult& job, const config::ScenarioSpec& s) {
  if (s.training.batch_ramp.empty()) return step.model_flop * static_cast<double>(job.total_steps);
  const double tokens_per_step =
      static_cast<double>(s.training.global_batch) * static_cast<double>(s.model.seq_len);
  return step.model_flop / tokens_per_step * s.training.tokens;
}

Efficiency efficiency(const step::StepProfile& step, const job::JobResult& job,
                      const config::ScenarioSpec& s) {
  Efficiency e;
  const double pue = s.energy.pue > 0 ? s.energy.pue : s.platform.facility.pue;
  const double gpus = static_cast<double>(step.gpus);
  e.allocated_gpus = allocated_gpus(s);
  e.energy = 1.0 / pue;
  // GPU compute-busy time per step, summed over GPUs: gpu_busy_fraction is the mean over GPUs of
  // (kernel + optimizer time) / step time, so kernel x scaling = model FLOPs / (step x GPUs x peak)
  // = MFU. Recompute kernels count as busy time but not as model FLOPs: they lower `kernel`.
  const double busy_gpu_s = step.gpu_busy_fraction * step.time_s * gpus;
  e.kernel = step.model_flop / (busy_gpu_s * step.peak_flop_per_s);
  e.scaling = step.gpu_busy_fraction;
  double ettr = 0;
  for (const auto& r : job.replications) ettr += r.ettr();
  e.ettr = ettr / static_cast<double>(job.replications.size());
  e.utilisation = gpus / static_cast<double>(e.allocated_gpus);
  e.product = e.energy * e.kernel * e.scaling * e.ettr * e.utilisation;
  // The right-hand side, computed directly from the run's totals, replication by replication.
  e.useful_flop = useful_flop(step, job, s);
  double direct = 0;
  for (const auto& r : job.replications)
    direct += e.useful_flop / (step.peak_flop_per_s * static_cast<double>(e.allocated_gpus) * r.wall_s * pue);
  e.end_to_end = direct / static_cast<double>(job.replications.size());
  return e;
}

Cost total_cost(const config::ScenarioSpec& s, double wall_s, double electricity_usd) {
  Cost c;
  c.electricity_usd = electricity_usd;
  if (s.cost.gpu_price_usd > 0 && s.cost.depreciation_s > 0) {
    c.has_capex = true;
    // Straight-line depreciation of everything the job holds, for as long as it holds it: the GPUs
    // (with their servers) and, through datacenter_share, the rest of the cluster they need
    // (Epoch AI's training-cost method: hardware / (1 - 0.19) for the cluster interconnect).
    const double hardware_usd =
        static_cast<double>(allocated_gpus(s)) * s.cost.gpu_price_usd / (1.0 - s.cost.datacenter_share);
    c.capex_usd = hardware_usd * wall_s / s.cost.depreciation_s;
  }
  c.total_usd = c.capex_usd + c.electricity_usd;
  c.electricity_share = c.total_usd > 0 ? c.electricity_usd / c.total_usd : 0;
  c.usd_per_trillion_tokens = c.total_usd / (s.training.tokens / 1e12);
  return c;
}

}  // namespace trainsim::report
