// The training-job actor and its failure injector (docs/models/job.md).
//
// One replication = one training-job actor on the controller host, one failure-injector actor,
// one maintenance actor and short-lived repair actors, all daemons except the job. The injector
// draws the next failure of every category (exponential or Weibull renewal processes, rates
// per component x components of the job), turns the struck node hosts off (blast radius: a GPU
// or host fault takes its node, a leaf switch the nodes behind it, software nothing) and tells the
// job through its mailbox, as a stalled collective would. The job waits on that mailbox with a
// timeout equal to the remaining duration of whatever it is doing: the timeout is the phase
// ending normally, a message is the interruption. Simulated time therefore advances by events
// (segment ends, checkpoints, failures, repairs), not by iterations.
#include "sim/job/job.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <simgrid/s4u.hpp>

#include "sim/failures/model.hpp"
#include "sim/platform/engine.hpp"
#include "sim/workload/model.hpp"

namespace sg4 = simgrid::s4u;

namespace trainsim::job {
namespace {

constexpr double kDaySeconds = 86400.0;

// Longest stretch of checkpoint cycles the job waits for at once: the resolution of the diurnal
// throughput drift.
constexpr double kStretchS = 3600.0;
// Default cap of a replication's wall-clock time, as a multiple of its failure-free training time:
// a run that needs more than 4x is reported as unfinished (ETTR < 0.25 at the cap) instead of
// being simulated for years of failures (docs/models/job.md).
constexpr double kDefaultWallCapFactor = 4.0;

// Host-side copy of a GPU's checkpoint shard when saving asynchronously (the snapshot that
// stalls training): PCIe Gen4 x16 practical rate. PyTorch async DCP measured a 0.78 s GPU stall
// on 1,856 H200 for Llama 3 70B (pytorch.org blog 2025-04-30, reference_facts.md §3).
constexpr double kHostCopyBytesPerS = 25e9;

// Per-node write bandwidth to the checkpoint store when the scenario gives none: one 200 Gb/s
// front-end NIC (25 GB/s). Assumption, documented in docs/models/job.md.
constexpr double kDefaultNodeWriteBytesPerS = 25e9;

// Communicator set-up at every (re)start grows with the job: MegaScale (Jiang et al., NSDI'24)
// brought NCCL initialisation to under 30 s at more than 10,000 GPUs (tagged recalled in
// reference_facts.md §3): 2 ms per GPU, 33 s at 16,384 GPUs, added to failures.restart.
constexpr double kCommInitPerGpuS = 2e-3;

struct Message {
  enum class Kind { kFailure, kMaintenance } kind = Kind::kFailure;
  int category = -1;       // index into the rates, failures only
  int64_t nodes_down = 0;  // hardware taken down by this failure
};

// What the failure injector and the maintenance actor draw from: the failure model's job-level
// rates (or one scripted category) and the planned-maintenance process.
struct Rates {
  failures::JobFailureRates failures;
  failures::Maintenance maintenance;
};

Rates job_rates(const config::ScenarioSpec& s, const JobOptions& o) {
  Rates r;
  if (!o.scripted_failures_s.empty()) {
    failures::Rate scripted;
    scripted.name = "scripted";
    scripted.scope = config::FailureScope::kJob;
    r.failures.rates.push_back(scripted);  // per_s 0: the injector follows the script
  } else {
    r.failures = failures::job_rates(s);
  }
  r.maintenance = failures::maintenance(s);
  return r;
}

class Replication {
 public:
  Replication(const config::ScenarioSpec& s, const step::StepProfile& step, const platform::ClusterView& view,
              const Rates& rates, const CheckpointModel& ck, int64_t total_steps, uint64_t seed,
              int64_t index, bool timeline, const std::vector<double>& scripted,
              const std::vector<JobOptions::Phase>& ramp)
      : s_(s),
        step_(step),
        view_(view),
        rates_(rates),
        ck_(ck),
        total_steps_(total_steps),
        scripted_(scripted),
        ramp_(ramp),
        rng_failures_(seed, static_cast<uint64_t>(index), "failures"),
        rng_nodes_(seed, static_cast<uint64_t>(index), "blast-radius"),
        timeline_(timeline) {
    job_nodes_ = static_cast<int64_t>(view.nodes.size());
    spares_ = s.failures.spare_nodes;
    double failure_free_s = 0;
    int64_t ramp_steps = 0;
    for (const auto& ph : ramp) {
      failure_free_s += static_cast<double>(ph.steps) * ph.step_time_s;
      ramp_steps += ph.steps;
    }
    failure_free_s += static_cast<double>(std::max<int64_t>(0, total_steps - ramp_steps)) * step.time_s;
    max_wall_s_ = s.simulation.max_wall_time_s > 0 ? s.simulation.max_wall_time_s
                                                   : kDefaultWallCapFactor * failure_free_s;
  }

  ReplicationResult run(std::vector<JobEvent>* events, std::vector<PowerEvent>* power);

 private:
  void job_actor();
  void injector_actor();
  void maintenance_actor();
  double now() const { return sg4::Engine::get_clock() - t0_; }
  // The job's power state from absolute clock `at` on (times must not go backwards).
  void set_state(PowerState s, double at) {
    r_.state_s[static_cast<int>(state_)] += at - state_since_;
    state_since_ = at;
    if (s == state_) return;
    state_ = s;
    if (timeline_) power_.push_back({at - t0_, s});
  }
  void log(const char* event, std::string detail = {}) {
    if (timeline_) events_.push_back({now(), event, std::move(detail), steps_});
  }
  // Step time of the batch-ramp phase that step `k` belongs to, and the first step after that
  // phase (total_steps_ for the final phase).
  std::pair<double, int64_t> phase_of(int64_t k) const {
    int64_t end = 0;
    for (const auto& ph : ramp_) {
      end += ph.steps;
      if (k < end) return {ph.step_time_s, end};
    }
    return {step_.time_s, total_steps_};
  }
  // Step time at simulated time t (diurnal drift, Llama 3 §3.3.4) in the phase of step k, seconds.
  double step_time_at(double t, int64_t k) const {
    const double a = s_.drift.diurnal_amplitude;
    return phase_of(k).first * (1.0 + a * std::sin(2.0 * M_PI * t / kDaySeconds));
  }
  // Waits up to `duration` for a message. Returns nullptr when the duration elapsed.
  std::unique_ptr<Message> wait(double duration);
  // Counts a failure or maintenance message that interrupted the job and books the repairs of
  // the nodes it took down.
  void on_interrupt(const Message& m);
  // Moves the repairs finished by now into the spare pool.
  void collect_repairs();
  // Detection, node replacement or repair wait, restart and reload; interruptions restart it.
  void recover(bool detected);

  const config::ScenarioSpec& s_;
  const step::StepProfile& step_;
  const platform::ClusterView& view_;
  const Rates& rates_;
  const CheckpointModel& ck_;
  int64_t total_steps_;
  double max_wall_s_ = HUGE_VAL;  // stop here, unfinished (simulation.max_wall_time)
  const std::vector<double>& scripted_;
  const std::vector<JobOptions::Phase>& ramp_;
  failures::Rng rng_failures_, rng_nodes_;
  bool timeline_;
  sg4::Mailbox* box_ = nullptr;
  sg4::CommPtr pending_;         // the job actor's posted receive (see wait)
  Message* incoming_ = nullptr;  // where pending_ delivers
  double t0_ = 0;
  int64_t job_nodes_ = 0;
  int64_t spares_ = 0;           // healthy spare nodes available now
  int64_t missing_nodes_ = 0;    // job nodes down and not replaced yet
  int64_t steps_ = 0;            // steps completed (including those not yet checkpointed)
  int64_t saved_steps_ = 0;      // steps in the last completed checkpoint
  std::vector<double> repairs_;  // completion times (absolute clock) of node repairs, ascending
  size_t repairs_done_ = 0;
  ReplicationResult r_;
  std::vector<JobEvent> events_;
  PowerState state_ = PowerState::kDown;
  double state_since_ = 0;
  std::vector<PowerEvent> power_;
};

std::unique_ptr<Message> Replication::wait(double duration) {
  if (duration <= 0) return nullptr;
  // One receive stays posted across waits, and waiting on it with a timeout returns -1 instead of
  // throwing simgrid::TimeoutException as Mailbox::get with a timeout does: an exception (with
  // SimGrid's backtrace capture) per quiet stretch of checkpoint cycles was a third of the run time.
  if (!pending_) pending_ = box_->get_async<Message>(&incoming_);
  if (sg4::Comm::wait_any_for({pending_}, duration) < 0) return nullptr;
  pending_ = nullptr;
  return std::unique_ptr<Message>(incoming_);
}

void Replication::collect_repairs() {
  const double t = sg4::Engine::get_clock();
  while (repairs_done_ < repairs_.size() && repairs_[repairs_done_] <= t) {
    ++repairs_done_;
    ++spares_;  // a repaired node rejoins the pool (or fills the job's hole)
  }
}

void Replication::on_interrupt(const Message& m) {
  if (m.kind == Message::Kind::kMaintenance) {
    ++r_.planned;
    log("maintenance");
    return;
  }
  ++r_.failures;
  const std::string& name = rates_.failures.rates[static_cast<size_t>(m.category)].name;
  ++r_.failures_by_category[name];
  missing_nodes_ += m.nodes_down;
  // Repair time is the same for every node, so completion times stay sorted.
  for (int64_t i = 0; i < m.nodes_down; ++i)
    repairs_.push_back(sg4::Engine::get_clock() + s_.failures.repair_s);
  char detail[128];
  std::snprintf(detail, sizeof detail, "%s nodes_down=%lld", name.c_str(),
                static_cast<long long>(m.nodes_down));
  log("failure", detail);
}

void Replication::recover(bool detected) {
  set_state(PowerState::kDown, sg4::Engine::get_clock());
  // The phases of a recovery. Any failure during them (a node dying while the job restarts)
  // sends the job back to detection; a repair message only refills the spare pool.
  enum class Phase {
    kDetect,
    kNodes,
    kRestart,
    kReload,
    kDone
  } phase = detected ? Phase::kNodes : Phase::kDetect;
  double remaining = s_.failures.detection_s;
  while (phase != Phase::kDone) {
    if (phase == Phase::kNodes) {
      // Replace the missing nodes with spares; without enough spares wait for repairs.
      collect_repairs();
      const int64_t take = std::min(spares_, missing_nodes_);
      spares_ -= take;
      missing_nodes_ -= take;
      r_.spares_used += take;
      if (take > 0) log("spare_used", std::to_string(take));
      if (missing_nodes_ > 0) {
        const double t = sg4::Engine::get_clock();
        auto msg = wait(repairs_[repairs_done_] - t);  // the next repair, unless a failure comes first
        const double waited = sg4::Engine::get_clock() - t;
        r_.wait_for_nodes_s += waited;
        r_.recovery_s += waited;
        if (msg) on_interrupt(*msg);
        continue;
      }
      phase = Phase::kRestart;
      remaining = s_.failures.restart_s + kCommInitPerGpuS * static_cast<double>(s_.gpus);
      continue;
    }
    const double t = sg4::Engine::get_clock();
    auto msg = wait(remaining);
    const double spent = sg4::Engine::get_clock() - t;
    r_.recovery_s += spent;
    if (msg) {
      on_interrupt(*msg);
      if (msg->kind == Message::Kind::kFailure) {
        phase = Phase::kDetect;  // the restart itself failed: detect again
        remaining = s_.failures.detection_s;
      } else {
        remaining -= spent;  // a maintenance notice while down costs nothing more
      }
      continue;
    }
    switch (phase) {
      case Phase::kDetect:
        log("detected");
        phase = Phase::kNodes;
        break;
      case Phase::kRestart:
        log("restarted");
        phase = Phase::kReload;
        remaining = ck_.reload_s;
        break;
      case Phase::kReload:
        log("reloaded");
        phase = Phase::kDone;
        break;
      default:
        break;
    }
  }
}

void Replication::job_actor() {
  t0_ = sg4::Engine::get_clock();
  state_since_ = t0_;
  if (timeline_) power_.push_back({0.0, PowerState::kDown});
  box_->set_receiver(sg4::Actor::self());
  // Launch: scheduling, process start and communicator set-up, as a restart.
  {
    const double t = sg4::Engine::get_clock();
    recover(true);
    r_.launch_s = sg4::Engine::get_clock() - t;
    r_.recovery_s -= r_.launch_s;
    log("launch_end");
  }
  // Training runs in checkpoint cycles: `steps_per_cycle` steps, then the checkpoint stall. The
  // actor waits for a whole stretch of cycles at once (up to about an hour of simulated time, the
  // resolution of the diurnal drift); an interruption inside the stretch is placed analytically
  // in its cycle. The cost is therefore one event per stretch plus one per interruption.
  const double step0_s = step_.time_s;
  const double cycle_steps = std::min(ck_.interval_s / step0_s, static_cast<double>(total_steps_) + 1.0);
  const int64_t steps_per_cycle = std::max<int64_t>(1, static_cast<int64_t>(std::llround(cycle_steps)));
  while (steps_ < total_steps_) {
    if (now() >= max_wall_s_) {  // e.g. checkpoints far apart at a high failure rate: no progress
      r_.finished = false;
      log("stopped", "simulation.max_wall_time");
      break;
    }
    const double step_s = step_time_at(now() + 0.5 * kStretchS, steps_);
    const double train_s = static_cast<double>(steps_per_cycle) * step_s;
    const double cycle_s = train_s + ck_.stall_s;
    // A stretch stays inside one batch-ramp phase: it ends at the phase's last step.
    const int64_t phase_end = phase_of(steps_).second;
    const int64_t remaining = phase_end - steps_;
    const int64_t cycles_left = (remaining + steps_per_cycle - 1) / steps_per_cycle;
    const int64_t cycles =
        std::min<int64_t>(cycles_left, std::max<int64_t>(1, static_cast<int64_t>(kStretchS / cycle_s)));
    const bool last = cycles == cycles_left && phase_end == total_steps_;
    // The final cycle of the run ends with the last token, not with a checkpoint. A cycle that
    // straddles the end of a batch-ramp phase runs wholly at the phase's step time (an
    // approximation of at most one checkpoint interval per phase change).
    const int64_t stretch_steps = last ? remaining : cycles * steps_per_cycle;
    const double stretch_s = static_cast<double>(stretch_steps) * step_s +
                             static_cast<double>(last ? cycles - 1 : cycles) * ck_.stall_s;
    const double t = sg4::Engine::get_clock();
    set_state(PowerState::kTrain, t);
    auto msg = wait(stretch_s);
    const double elapsed = sg4::Engine::get_clock() - t;
    // Power states of the cycles that ran: training, then the checkpoint stall, up to `elapsed`.
    for (int64_t c = 0; c < cycles; ++c) {
      const double c0 = t + static_cast<double>(c) * cycle_s;
      if (c0 >= t + elapsed) break;
      set_state(PowerState::kTrain, c0);
      const bool has_save = !(last && c == cycles - 1);
      if (has_save && c0 + train_s < t + elapsed) set_state(PowerState::kCheckpoint, c0 + train_s);
    }
    set_state(state_, t + elapsed);
    if (!msg) {
      const int64_t saves = last ? cycles - 1 : cycles;
      steps_ += stretch_steps;
      r_.checkpoint_s += static_cast<double>(saves) * ck_.stall_s;
      r_.checkpoints += saves;
      if (saves > 0) {
        saved_steps_ = last ? steps_ - (stretch_steps - saves * steps_per_cycle) : steps_;
        log("checkpoint", std::to_string(saves));
      }
      continue;
    }
    // Interrupted after `elapsed`: complete cycles, then training or stalling in the next one.
    const int64_t done =
        std::min<int64_t>(static_cast<int64_t>(elapsed / cycle_s), last ? cycles - 1 : cycles);
    const double into = elapsed - static_cast<double>(done) * cycle_s;
    steps_ += done * steps_per_cycle;
    r_.checkpoints += done;
    r_.checkpoint_s += static_cast<double>(done) * ck_.stall_s;
    if (done > 0) saved_steps_ = steps_;
    double partial_s;  // training time of the interrupted cycle
    if (into < train_s) {
      const int64_t k = std::min<int64_t>(static_cast<int64_t>(into / step_s), phase_end - steps_);
      steps_ += k;
      partial_s = into;
    } else {
      steps_ += steps_per_cycle;  // trained the whole cycle, interrupted while saving it
      partial_s = train_s;
      r_.checkpoint_s += into - train_s;
    }
    on_interrupt(*msg);
    if (msg->kind == Message::Kind::kMaintenance) {
      // Planned: operators drain the job with a final checkpoint, nothing is lost but the
      // interrupted step.
      const double tm = sg4::Engine::get_clock();
      set_state(PowerState::kCheckpoint, tm);
      sg4::this_actor::sleep_for(ck_.stall_s);
      set_state(PowerState::kDown, sg4::Engine::get_clock());
      saved_steps_ = steps_;
      ++r_.checkpoints;
      r_.lost_work_s += partial_s - static_cast<double>(static_cast<int64_t>(partial_s / step_s)) * step_s;
      sg4::this_actor::sleep_for(rates_.maintenance.duration_s);
      r_.maintenance_s += sg4::Engine::get_clock() - tm;
      recover(true);
    } else {
      // Unexpected: everything since the last completed checkpoint is redone.
      const int64_t lost_steps = steps_ - saved_steps_;
      const double counted = static_cast<double>(lost_steps) * step_s;
      // Steps of earlier cycles in this stretch were saved; the lost time is the training of the
      // interrupted cycle (whole steps and the partial one).
      r_.lost_work_s +=
          std::max(counted, 0.0) +
          (into < train_s ? into - static_cast<double>(static_cast<int64_t>(into / step_s)) * step_s : 0.0);
      steps_ = saved_steps_;
      recover(false);
    }
  }
  if (pending_) {  // nothing more will be received: withdraw the posted receive
    pending_->cancel();
    pending_ = nullptr;
  }
  set_state(PowerState::kDown, sg4::Engine::get_clock());
  r_.steps = steps_;
  r_.wall_s = now();
  log("end");
}

void Replication::injector_actor() {
  if (!scripted_.empty()) {
    const double start = sg4::Engine::get_clock();
    for (double t : scripted_) {
      sg4::this_actor::sleep_until(start + t);
      box_->put_init(new Message{Message::Kind::kFailure, 0, 0}, 0)->detach();
    }
    return;
  }
  const std::vector<failures::Rate>& rates = rates_.failures.rates;
  const size_t n = rates.size();
  if (rates_.failures.total_per_s <= 0 || n == 0) return;
  // Renewal process per category: next failure time of each.
  std::vector<double> next(n);
  auto draw = [&](size_t c) {
    const double mean = 1.0 / rates[c].per_s;
    return s_.failures.distribution == config::InterArrival::kWeibull
               ? rng_failures_.weibull(s_.failures.weibull_shape, mean)
               : rng_failures_.exponential(rates[c].per_s);
  };
  for (size_t c = 0; c < n; ++c) next[c] = rates[c].per_s > 0 ? draw(c) : HUGE_VAL;
  const double t0 = sg4::Engine::get_clock();
  while (true) {
    const size_t c = static_cast<size_t>(std::min_element(next.begin(), next.end()) - next.begin());
    if (!std::isfinite(next[c])) return;
    sg4::this_actor::sleep_until(t0 + next[c]);
    next[c] += draw(c);
    // Blast radius on the topology.
    std::vector<sg4::Host*> down;
    const int64_t nodes = static_cast<int64_t>(view_.nodes.size());
    switch (rates[c].scope) {
      case config::FailureScope::kGpu:
      case config::FailureScope::kNode:
        down.push_back(
            view_.nodes[static_cast<size_t>(rng_nodes_.uniform_index(static_cast<uint64_t>(nodes)))]);
        break;
      case config::FailureScope::kSwitch: {
        const int64_t per_leaf = std::max<int64_t>(1, view_.nodes_per_leaf);
        const int64_t leaves = (nodes + per_leaf - 1) / per_leaf;
        const int64_t leaf = static_cast<int64_t>(rng_nodes_.uniform_index(static_cast<uint64_t>(leaves)));
        for (int64_t i = leaf * per_leaf; i < std::min(nodes, (leaf + 1) * per_leaf); ++i)
          down.push_back(view_.nodes[static_cast<size_t>(i)]);
        break;
      }
      case config::FailureScope::kJob:
        break;
    }
    int64_t newly_down = 0;
    for (sg4::Host* h : down) {
      if (!h->is_on()) continue;
      h->turn_off();
      ++newly_down;
      // Repair: the host comes back after the repair time (the job books it as a spare then).
      sg4::Actor::create("repair", view_.controller, [this, h]() {
        sg4::this_actor::sleep_for(s_.failures.repair_s);
        h->turn_on();
      })->daemonize();
    }
    auto* m = new Message{Message::Kind::kFailure, static_cast<int>(c), newly_down};
    box_->put_init(m, 0)->detach();
  }
}

void Replication::maintenance_actor() {
  if (!s_.failures.planned_maintenance || rates_.maintenance.interval_s <= 0) return;
  while (true) {
    sg4::this_actor::sleep_for(rates_.maintenance.interval_s);
    auto* m = new Message{Message::Kind::kMaintenance, -1, 0};
    box_->put_init(m, 0)->detach();
  }
}

ReplicationResult Replication::run(std::vector<JobEvent>* events, std::vector<PowerEvent>* power) {
  box_ = sg4::Mailbox::by_name("job");
  sg4::Actor::create("training-job", view_.controller, [this]() { job_actor(); });
  sg4::Actor::create("failure-injector", view_.controller, [this]() { injector_actor(); })->daemonize();
  sg4::Actor::create("maintenance", view_.controller, [this]() { maintenance_actor(); })->daemonize();
  platform::engine().run();
  // Leave the platform as found for the next replication: every node on, no message pending.
  for (sg4::Host* h : view_.nodes)
    if (!h->is_on()) h->turn_on();
  box_->set_receiver(nullptr);
  while (!box_->empty()) box_->get_unique<Message>();
  r_.productive_s =
      r_.wall_s - r_.launch_s - r_.recovery_s - r_.lost_work_s - r_.checkpoint_s - r_.maintenance_s;
  if (events != nullptr) *events = std::move(events_);
  if (power != nullptr) *power = std::move(power_);
  return r_;
}

}  // namespace

CheckpointModel checkpoint_model(const config::ScenarioSpec& s, double step_time_s, double mtbf_s) {
  CheckpointModel c;
  // bf16 weights (2 B) + fp32 master weights (4 B) + Adam first and second moments (8 B) per
  // parameter, written once for the job (the optimizer state is sharded over DP).
  const double params = workload::parameter_count(s.model);
  c.size_bytes = 14.0 * params;
  c.shard_bytes_per_gpu = c.size_bytes / static_cast<double>(s.gpus);
  const int64_t gpn = s.platform.node.gpus_per_node;
  const double nodes = static_cast<double>((s.gpus + gpn - 1) / gpn);
  const double node_bw = s.checkpoint.node_bandwidth_bytes_per_s > 0 ? s.checkpoint.node_bandwidth_bytes_per_s
                                                                     : kDefaultNodeWriteBytesPerS;
  c.bandwidth_bytes_per_s =
      std::min(s.checkpoint.storage_bandwidth_bytes_per_s > 0 ? s.checkpoint.storage_bandwidth_bytes_per_s
                                                              : nodes * node_bw,
               nodes * node_bw);
  c.save_s = s.checkpoint.save_time_s > 0 ? s.checkpoint.save_time_s : c.size_bytes / c.bandwidth_bytes_per_s;
  c.reload_s = c.size_bytes / c.bandwidth_bytes_per_s;
  if (s.checkpoint.async) {
    c.stall_s = s.checkpoint.async_stall_s > 0 ? s.checkpoint.async_stall_s
                                               : c.shard_bytes_per_gpu / kHostCopyBytesPerS;
  } else {
    c.stall_s = c.save_s;
  }
  switch (s.checkpoint.mode) {
    case config::CheckpointSpec::Mode::kInterval:
      c.interval_s = s.checkpoint.interval_s;
      break;
    case config::CheckpointSpec::Mode::kSteps:
      c.interval_s = static_cast<double>(s.checkpoint.interval_steps) * step_time_s;
      break;
    case config::CheckpointSpec::Mode::kAuto:
      // Without failures there is nothing to checkpoint against: one cycle for the whole run.
      c.interval_s =
          std::isfinite(mtbf_s) && mtbf_s > 0 ? failures::daly_interval_s(c.stall_s, mtbf_s) : HUGE_VAL;
      break;
  }
  if (s.checkpoint.async)
    c.interval_s = std::max(c.interval_s, c.save_s);  // a write must finish before the next
  return c;
}

IntervalSearch optimal_checkpoint_interval(const config::ScenarioSpec& s, const step::StepProfile& step,
                                           const platform::ClusterView& view, const JobOptions& options) {
  IntervalSearch r;
  r.mtbf_s = failures::job_mttf_s(s);
  const CheckpointModel base = checkpoint_model(s, step.time_s, r.mtbf_s);
  r.stall_s = base.stall_s;
  r.daly_s = failures::daly_interval_s(base.stall_s, r.mtbf_s);
  r.young_s = failures::young_interval_s(base.stall_s, r.mtbf_s);
  r.best_s = r.daly_s;
  r.best_ettr = -1;
  JobOptions o = options;
  o.timeline = false;
  o.progress = nullptr;
  for (double f : {0.25, 0.35, 0.5, 0.7, 0.85, 1.0, 1.2, 1.4, 2.0, 2.8, 4.0}) {
    config::ScenarioSpec s2 = s;
    s2.checkpoint.mode = config::CheckpointSpec::Mode::kInterval;
    s2.checkpoint.interval_s = r.daly_s * f;
    const JobResult j = simulate_job(s2, step, view, o);
    std::vector<double> e;
    for (const auto& rep : j.replications) e.push_back(rep.ettr());
    const failures::Summary su = failures::summarize(e);
    r.curve.push_back({s2.checkpoint.interval_s, su.mean, su.p5, su.p95});
    if (su.mean > r.best_ettr) {
      r.best_ettr = su.mean;
      r.best_s = s2.checkpoint.interval_s;
    }
  }
  return r;
}

JobResult simulate_job(const config::ScenarioSpec& s_in, const step::StepProfile& step,
                       const platform::ClusterView& view, const JobOptions& options) {
  config::ScenarioSpec s = s_in;
  if (s.checkpoint.mode == config::CheckpointSpec::Mode::kAuto && std::isfinite(failures::job_mttf_s(s)) &&
      options.scripted_failures_s.empty()) {
    JobOptions o = options;
    o.replications = std::min<int64_t>(options.replications, 10);
    s.checkpoint.mode = config::CheckpointSpec::Mode::kInterval;
    s.checkpoint.interval_s = optimal_checkpoint_interval(s_in, step, view, o).best_s;
  }
  JobResult out;
  const Rates rates = job_rates(s, options);
  out.job_mtbf_s = rates.failures.total_per_s > 0 ? 1.0 / rates.failures.total_per_s : HUGE_VAL;
  out.checkpoint = checkpoint_model(s, step.time_s, out.job_mtbf_s);
  const double tokens_per_step = static_cast<double>(s.training.global_batch * s.model.seq_len);
  out.total_steps = static_cast<int64_t>(std::ceil(s.training.tokens / tokens_per_step));
  if (!options.ramp.empty()) {
    out.total_steps = std::max<int64_t>(0, options.final_phase_steps);
    for (const auto& ph : options.ramp) out.total_steps += ph.steps;
  }
  for (int64_t i = 0; i < options.replications; ++i) {
    Replication rep(s, step, view, rates, out.checkpoint, out.total_steps, options.seed, i,
                    options.timeline && i == 0, options.scripted_failures_s, options.ramp);
    const bool keep = options.timeline && i == 0;
    out.replications.push_back(rep.run(keep ? &out.timeline : nullptr, keep ? &out.power : nullptr));
    if (options.progress) options.progress(i + 1, options.replications);
  }
  return out;
}

}  // namespace trainsim::job
