// Whole-run energy from the job's power states (docs/models/energy.md): the step simulation gives
// the power of a training node (SimGrid host energy plugin over one iteration, or the same linear
// model from the GPUs' busy fraction), the job gives the time spent in each state, and the
// facility, grid and bill follow from PUE, carbon intensity and price. Pure C++.
#pragma once

#include <utility>
#include <vector>

#include "sim/config/spec.hpp"
#include "sim/job/job.hpp"
#include "sim/step/step.hpp"

namespace trainsim::energy {

// Power of one node and of one of its GPUs in each job power state, W.
struct StatePower {
  double node_w[3] = {0, 0, 0};  // indexed by job::PowerState
  double gpu_w[3] = {0, 0, 0};
};

// Training: the step's mean node and GPU power; checkpoint stalls and down time: idle nodes
// (GPUs idle, processes waiting on storage or restarting).
StatePower state_power(const config::PlatformSpec& platform, const step::StepProfile& step);

struct JobEnergy {
  double gpu_hours = 0;        // GPUs x wall hours
  double gpu_j = 0;            // GPUs only
  double it_j = 0;             // nodes (GPUs + CPUs, memory, NICs, NVSwitch, fans)
  double facility_j = 0;       // x PUE
  double tdp_based_j = 0;      // GPU-hours x TDP (model-card method)
  double co2_kg = 0;           // facility energy x grid intensity (+ embodied, if given)
  double cost_usd = 0;         // facility energy x price
  double avg_gpu_power_w = 0;  // gpu_j / GPU-seconds
  double avg_facility_w = 0;
  double peak_facility_w = 0;
  double swing_w = 0;  // largest change of facility power within 1 s
  double lost_j = 0;   // facility energy of redone work, recovery and waiting
};

// Energy of one replication whose job spent r.state_s[] in each state on `nodes` nodes.
JobEnergy job_energy(const config::ScenarioSpec& s, const StatePower& p, const job::ReplicationResult& r,
                     double gpu_tdp_w);

// Facility power over time for power.csv: (time_s, facility W) at every state change of the
// series; piecewise constant until the next point. The last point is the end of the run.
std::vector<std::pair<double, double>> facility_series(const config::ScenarioSpec& s, const StatePower& p,
                                                       const std::vector<job::PowerEvent>& events,
                                                       double wall_s);

}  // namespace trainsim::energy
