#include "sim/energy/accounting.hpp"

#include <algorithm>
#include <cmath>

#include "sim/energy/model.hpp"
#include "sim/platform/builder.hpp"

namespace trainsim::energy {
namespace {

int64_t job_nodes(const config::ScenarioSpec& s) {
  const int64_t gpn = s.platform.node.gpus_per_node;
  return (s.gpus + gpn - 1) / gpn;
}

double fabric_and_storage_w(const config::ScenarioSpec& s) {
  return static_cast<double>(platform::switch_count(s.platform, job_nodes(s))) *
             s.platform.fabric.switch_power_w +
         s.platform.storage.power_w;
}

double pue(const config::ScenarioSpec& s) {
  return s.energy.pue > 0 ? s.energy.pue : s.platform.facility.pue;
}

}  // namespace

StatePower state_power(const config::PlatformSpec& platform, const step::StepProfile& step) {
  const NodePower np = node_power(platform);
  StatePower p;
  const int train = static_cast<int>(job::PowerState::kTrain);
  for (int st = 0; st < 3; ++st) {
    p.node_w[st] = st == train ? step.node_power_w : np.idle_w;
    p.gpu_w[st] = st == train ? step.gpu_power_w : np.gpu_idle_w;
  }
  return p;
}

JobEnergy job_energy(const config::ScenarioSpec& s, const StatePower& p, const job::ReplicationResult& r,
                     double gpu_tdp_w) {
  JobEnergy e;
  const double nodes = static_cast<double>(job_nodes(s));
  const double gpus = static_cast<double>(s.gpus);
  for (int st = 0; st < 3; ++st) {
    e.it_j += nodes * p.node_w[st] * r.state_s[st];
    e.gpu_j += gpus * p.gpu_w[st] * r.state_s[st];
  }
  // The fabric's switches and the storage system draw their power whatever the job does (when the
  // platform gives it); the job is charged all of the storage it checkpoints to.
  const double switch_w = fabric_and_storage_w(s);
  e.it_j += switch_w * r.wall_s;
  e.facility_j = e.it_j * pue(s);
  e.gpu_hours = gpus * r.wall_s / 3600.0;
  e.tdp_based_j = e.gpu_hours * 3600.0 * gpu_tdp_w;
  // Operational carbon at the grid intensity (an hourly profile enters through its mean), plus the
  // GPUs' embodied carbon amortised over their lifetime when the scenario gives it.
  e.co2_kg = e.facility_j * s.energy.carbon_intensity_kg_per_j;
  if (s.energy.embodied_carbon_per_gpu_kg > 0)
    e.co2_kg +=
        embodied_co2_kg(gpus, s.energy.embodied_carbon_per_gpu_kg, r.wall_s, s.energy.embodied_lifetime_s);
  e.cost_usd = e.facility_j * s.energy.price_usd_per_j;
  e.avg_gpu_power_w = r.wall_s > 0 ? e.gpu_j / (gpus * r.wall_s) : 0;
  e.avg_facility_w = r.wall_s > 0 ? e.facility_j / r.wall_s : 0;
  const int train = static_cast<int>(job::PowerState::kTrain),
            down = static_cast<int>(job::PowerState::kDown);
  e.peak_facility_w = (nodes * *std::max_element(p.node_w, p.node_w + 3) + switch_w) * pue(s);
  // Every failure stops all GPUs of a synchronous job at once (Llama 3 §3.3.4: swings of tens of
  // megawatts), and every checkpoint stall and restart does the same: the largest change within
  // one second is a whole-job transition between training and stalled/down.
  double swing = 0;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b)
      if (r.state_s[a] > 0 && r.state_s[b] > 0) swing = std::max(swing, std::fabs(p.node_w[a] - p.node_w[b]));
  e.swing_w = nodes * swing * pue(s);
  // Lost to failures: redone training at training power, recovery and waiting at down power.
  e.lost_j = nodes * pue(s) * (r.lost_work_s * p.node_w[train] + r.recovery_s * p.node_w[down]);
  return e;
}

std::vector<std::pair<double, double>> facility_series(const config::ScenarioSpec& s, const StatePower& p,
                                                       const std::vector<job::PowerEvent>& events,
                                                       double wall_s) {
  std::vector<std::pair<double, double>> out;
  const double k = static_cast<double>(job_nodes(s)) * pue(s);
  const double switches_w = fabric_and_storage_w(s) * pue(s);
  for (const auto& ev : events) {
    const double w = k * p.node_w[static_cast<int>(ev.state)] + switches_w;
    if (!out.empty() && out.back().first == ev.time_s) {
      out.back().second = w;
    } else {
      out.emplace_back(ev.time_s, w);
    }
  }
  out.emplace_back(wall_s, out.empty() ? 0.0 : out.back().second);
  return out;
}

}  // namespace trainsim::energy
