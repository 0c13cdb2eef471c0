// Step simulation. What is simulated, and why it is equivalent (docs/models/step.md):
//
//  * Data-parallel replicas of a synchronous job execute the same schedule in lock-step, so the
//    pipeline of ONE replica (dp = 0, cp = 0) is simulated op by op: one actor per pipeline stage
//    on that stage's node, executing the Megatron 1F1B / interleaved 1F1B order as exec
//    activities (kernel times from workload/), pipeline sends as comms between the stage nodes,
//    tensor-parallel collectives as flows on the node's NVSwitch, context-parallel K/V exchange
//    as ring flows between the CP nodes.
//  * The traffic that contends across replicas is issued for ALL replicas: every stage actor
//    starts the data-parallel reduce-scatter / all-gather rings of every DP group of its stage
//    (one flow per ring edge, merged over the TP ranks that share a node), so DP traffic crosses
//    the real NICs, leaf and pod uplinks together and contends in SimGrid's max-min flow model
//    (CM02, no cross-traffic), including through an oversubscribed core.
//  * Pipeline and TP/CP traffic of the other replicas uses other nodes' NICs and NVSwitches; it
//    would only contend with the representative replica on an oversubscribed tier, which the
//    shipped layouts do not cross with PP/TP/CP (documented limitation).
#include "sim/step/step.hpp"

#include <simgrid/plugins/energy.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <simgrid/s4u.hpp>

#include "sim/collectives/collectives.hpp"
#include "sim/common/error.hpp"
#include "sim/energy/model.hpp"
#include "sim/platform/builder.hpp"
#include "sim/platform/engine.hpp"
#include "sim/workload/layout.hpp"
#include "sim/workload/model.hpp"

namespace sg4 = simgrid::s4u;

namespace trainsim::step {

// Megatron-LM's pipeline orders (megatron/core/pipeline_parallel/schedules.py): 1F1B with
// pp - stage - 1 warm-up forwards; interleaved 1F1B with 2 (pp - stage - 1) + (vpp - 1) pp
// warm-up chunk passes, chunks cycling every pp micro-batches.
std::vector<PipelineOp> pipeline_schedule(int64_t s, int64_t pp, int64_t v, int64_t m) {
  std::vector<PipelineOp> ops;
  if (v == 1) {
    const int64_t warm = std::min(pp - s - 1, m);
    for (int64_t i = 0; i < warm; ++i) ops.push_back({true, i, 0});
    for (int64_t i = 0; i < m - warm; ++i) {
      ops.push_back({true, warm + i, 0});
      ops.push_back({false, i, 0});
    }
    for (int64_t i = m - warm; i < m; ++i) ops.push_back({false, i, 0});
    return ops;
  }
  const int64_t total = m * v;
  auto mb_of = [&](int64_t k) { return (k / (pp * v)) * pp + k % pp; };
  auto fwd = [&](int64_t k) { return PipelineOp{true, mb_of(k), (k / pp) % v}; };
  auto bwd = [&](int64_t k) { return PipelineOp{false, mb_of(k), v - 1 - (k / pp) % v}; };
  const int64_t warm = std::min((pp - s - 1) * 2 + (v - 1) * pp, total);
  for (int64_t k = 0; k < warm; ++k) ops.push_back(fwd(k));
  for (int64_t k = 0; k < total - warm; ++k) {
    ops.push_back(fwd(warm + k));
    ops.push_back(bwd(k));
  }
  for (int64_t k = total - warm; k < total; ++k) ops.push_back(bwd(k));
  return ops;
}

namespace {

using Op = PipelineOp;

struct StageResult {
  double finish_s = 0, compute_s = 0, tp_s = 0, cp_s = 0, pp_wait_s = 0, dp_s = 0, opt_s = 0;
  int64_t activities = 0, flows = 0;
  std::vector<TraceEvent> trace;
};

std::string mailbox_name(bool fwd, int64_t vs, int64_t mb) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%c%lld.%lld", fwd ? 'F' : 'B', static_cast<long long>(vs),
                static_cast<long long>(mb));
  return buf;
}

class StepSim {
 public:
  StepSim(const config::ScenarioSpec& sc, const workload::Workload& w, const StepOptions& opt)
      : sc_(sc),
        w_(w),
        opt_(opt),
        par_(sc.training.parallelism),
        layout_(par_, sc.platform.node.gpus_per_node) {}

  StepProfile run();
  const platform::ClusterView& view() const { return view_; }
  // Runs on a platform built by an earlier step simulation of this process (same nodes).
  void reuse(const platform::ClusterView& v) { view_ = v; }

 private:
  int64_t stage_node(int64_t s) const { return layout_.node_of({0, 0, s, 0}); }
  int64_t virtual_stages() const { return par_.pp * par_.vpp; }
  double chunk_params(int64_t s, int64_t c) const;
  double stage_params(int64_t s) const {  // all chunks of stage s
    double p = 0;
    for (int64_t c = 0; c < par_.vpp; ++c) p += chunk_params(s, c);
    return p;
  }
  std::vector<collectives::Flow> dp_flows(int64_t s, double bus_bytes_per_gpu) const;
  void stage_actor(int64_t s);
  // Parameters per GPU of each gradient/parameter bucket of chunk c of stage s, in forward or
  // backward order: whole layers grouped up to Megatron's bucket size; the embedding joins the
  // first layer, the output layer the last one.
  std::vector<double> layer_buckets(int64_t s, int64_t c, bool forward_order) const;
  // Kernel seconds of a pass (what compute() executes, before communication).
  double pass_kernel_seconds(const Op& op, int64_t vs) const;
  void compute(int64_t s, const Op& op, int64_t vs, StageResult& r);
  void record(StageResult& r, const std::string& track, std::string name, const char* cat, double t0,
              double t1) {
    if (opt_.collect_trace && t1 > t0)
      r.trace.push_back({track, std::move(name), cat, t0 - start_s_, t1 - start_s_});
  }
  void wait_all(const std::vector<sg4::CommPtr>& comms) {
    for (const auto& c : comms) c->wait();
  }
  // A loopback transfer on stage s's NVSwitch capped at `cap` (the tp GPUs' NVLink ports): a
  // mailbox comm to the stage actor itself (only mailbox comms honour Comm::set_rate in 3.32).
  sg4::CommPtr nvswitch_transfer(int64_t s, double bytes, double cap) {
    sg4::Mailbox* box = tp_boxes_[static_cast<size_t>(s)];
    sg4::CommPtr put = box->put_init(&payload_, static_cast<uint64_t>(bytes));
    put->set_rate(cap);
    put->detach();
    return box->get_async<int>(&sink_);
  }
  // Kernels of the stage's tp GPUs: one exec on tp cores of the node (the energy plugin counts
  // them busy); a multi-threaded exec's amount is per thread, so it lasts `seconds` on an
  // otherwise idle node.
  void exec(double seconds) {
    if (seconds <= 0) return;
    const int cores = static_cast<int>(par_.tp);
    sg4::this_actor::exec_init(seconds * view_.gpu_flop_per_s)->set_thread_count(cores)->wait();
  }

  const config::ScenarioSpec& sc_;
  const workload::Workload& w_;
  StepOptions opt_;
  config::ParallelSpec par_;
  workload::Layout layout_;
  platform::ClusterView view_;
  std::vector<StageResult> stages_;
  std::vector<std::string> tracks_;
  std::vector<sg4::Mailbox*> tp_boxes_;
  int payload_ = 0;      // mailbox payload (content unused)
  int* sink_ = nullptr;  // where received payloads land
  double start_s_ = 0;   // engine clock when this step started (0 unless a platform is reused)
};

double StepSim::chunk_params(int64_t s, int64_t c) const {
  double p = w_.layer.params_per_gpu *
             static_cast<double>(w_.layers_in[static_cast<size_t>(s)][static_cast<size_t>(c)]);
  if (s == 0 && c == 0) p += w_.embed_params_per_gpu;
  if (s == par_.pp - 1 && c == par_.vpp - 1) p += w_.head_params_per_gpu;
  return p;
}

std::vector<double> StepSim::layer_buckets(int64_t s, int64_t c, bool forward_order) const {
  const int64_t n = w_.layers_in[static_cast<size_t>(s)][static_cast<size_t>(c)];
  std::vector<double> layers(static_cast<size_t>(std::max<int64_t>(n, 1)),
                             n > 0 ? w_.layer.params_per_gpu : 0.0);
  if (s == 0 && c == 0) layers.front() += w_.embed_params_per_gpu;
  if (s == par_.pp - 1 && c == par_.vpp - 1) layers.back() += w_.head_params_per_gpu;
  if (!forward_order) std::reverse(layers.begin(), layers.end());
  // Megatron-core DDP groups parameters into buckets of max(40M, 1M x dp) parameters
  // (distributed_data_parallel.py) and launches one collective per bucket; whole layers here.
  const double bucket_params = std::max(40e6, 1e6 * static_cast<double>(par_.dp));
  std::vector<double> buckets;
  double open = 0;
  for (double p : layers) {
    open += p;
    if (open >= bucket_params) {
      buckets.push_back(open);
      open = 0;
    }
  }
  if (open > 0 || buckets.empty()) buckets.push_back(open);
  return buckets;
}

double StepSim::pass_kernel_seconds(const Op& op, int64_t vs) const {
  const int64_t s = vs % par_.pp;
  const double n = static_cast<double>(w_.layers_in[static_cast<size_t>(s)][static_cast<size_t>(op.chunk)]);
  double seconds = n * (op.forward ? w_.layer.fwd_s : w_.layer.bwd_s);
  if (vs == 0) seconds += op.forward ? w_.embed_fwd_s : w_.embed_bwd_s;
  if (vs == virtual_stages() - 1) seconds += op.forward ? w_.head_fwd_s : w_.head_bwd_s;
  return seconds;
}

// Rings of every DP group of stage s (one per cp index; tp ranks merged), all replicas.
std::vector<collectives::Flow> StepSim::dp_flows(int64_t s, double bus_bytes_per_gpu) const {
  std::vector<collectives::Flow> flows;
  for (int64_t c = 0; c < par_.cp; ++c) {
    std::vector<int64_t> members;
    members.reserve(static_cast<size_t>(par_.dp));
    for (int64_t d = 0; d < par_.dp; ++d) members.push_back(layout_.node_of({0, c, s, d}));
    collectives::ring_flows(members, bus_bytes_per_gpu, par_.tp, &flows);
  }
  return flows;
}

void StepSim::compute(int64_t s, const Op& op, int64_t vs, StageResult& r) {
  const workload::ChunkCost ck =
      w_.layer.scaled(w_.layers_in[static_cast<size_t>(s)][static_cast<size_t>(op.chunk)]);
  const double seconds = pass_kernel_seconds(op, vs);
  const std::string& track = tracks_[static_cast<size_t>(s)];
  char label[64];
  std::snprintf(label, sizeof label, "%s mb%lld c%lld", op.forward ? "F" : "B", static_cast<long long>(op.mb),
                static_cast<long long>(op.chunk));

  // Context parallelism: K/V all-gather (fwd) / gradient reduce-scatter (bwd) over the CP ring of
  // this stage, before the attention kernels need it.
  if (par_.cp > 1) {
    const double t0 = sg4::Engine::get_clock();
    std::vector<int64_t> members;
    for (int64_t c = 0; c < par_.cp; ++c) members.push_back(layout_.node_of({0, c, s, 0}));
    std::vector<collectives::Flow> flows;
    collectives::ring_flows(members, op.forward ? ck.cp_fwd_bus_bytes : ck.cp_bwd_bus_bytes, par_.tp, &flows);
    wait_all(collectives::start(view_, flows));
    sg4::this_actor::sleep_for(static_cast<double>(ck.layers) * (par_.cp - 1) * view_.nccl_step_latency_s);
    r.flows += static_cast<int64_t>(flows.size());
    r.cp_s += sg4::Engine::get_clock() - t0;
    record(r, track, std::string("cp ") + label, "cp", t0, sg4::Engine::get_clock());
  }

  const double t0 = sg4::Engine::get_clock();
  const double tp_bytes = op.forward ? ck.tp_fwd_bus_bytes : ck.tp_bwd_bus_bytes;
  if (par_.tp <= 1 || tp_bytes <= 0) {
    exec(seconds);
    r.compute_s += seconds;
    r.activities += 1;
    record(r, track, label, "compute", t0, sg4::Engine::get_clock());
    return;
  }
  // Tensor parallelism on the node's NVSwitch: the tp GPUs' ring traffic as one merged loopback
  // flow, plus the ring latency term of every collective.
  const double ncoll = static_cast<double>(op.forward ? ck.tp_fwd_collectives : ck.tp_bwd_collectives);
  const double latency_s = ncoll * (par_.tp - 1) * view_.nccl_step_latency_s;
  const double cap = static_cast<double>(par_.tp) * view_.nvlink_gpu_bytes_per_s;
  const double merged = tp_bytes * static_cast<double>(par_.tp);
  const bool async_bwd = !op.forward && sc_.training.overlap.tp_backward && ck.tp_bwd_async_bus_bytes > 0;
  if (!sc_.training.overlap.tp_comm && async_bwd) {
    // overlap.tp_backward: the column-parallel layers' backward collectives run behind the
    // backward GEMMs (one merged flow concurrent with the pass's kernels, their latency hidden
    // too); the row-parallel layers' output-gradient all-gathers follow on the critical path.
    const double async_bytes = ck.tp_bwd_async_bus_bytes * static_cast<double>(par_.tp);
    const double sync_collectives = static_cast<double>(ck.tp_bwd_collectives - ck.tp_bwd_async_collectives);
    sg4::CommPtr behind = nvswitch_transfer(s, async_bytes, cap);
    exec(seconds);
    const double t1 = sg4::Engine::get_clock();
    record(r, track, label, "compute", t0, t1);
    if (merged > async_bytes) nvswitch_transfer(s, merged - async_bytes, cap)->wait();
    sg4::this_actor::sleep_for(sync_collectives * (par_.tp - 1) * view_.nccl_step_latency_s);
    behind->wait();
    r.tp_s += sg4::Engine::get_clock() - t1;
    record(r, track, std::string("tp ") + label, "tp", t1, sg4::Engine::get_clock());
  } else if (!sc_.training.overlap.tp_comm) {
    // On the critical path: each collective waits for the GEMM before it and blocks the next.
    exec(seconds);
    const double t1 = sg4::Engine::get_clock();
    record(r, track, label, "compute", t0, t1);
    nvswitch_transfer(s, merged, cap)->wait();
    sg4::this_actor::sleep_for(latency_s);
    r.tp_s += sg4::Engine::get_clock() - t1;
    record(r, track, std::string("tp ") + label, "tp", t1, sg4::Engine::get_clock());
  } else {
    // Overlapped (Megatron --tp-comm-overlap, Wang et al. ASPLOS'23 decomposition): each
    // collective is split in tp pieces pipelined with the GEMM pieces; the first piece is exposed,
    // the rest runs concurrently with the kernels.
    nvswitch_transfer(s, merged / par_.tp, cap)->wait();
    sg4::this_actor::sleep_for(latency_s);
    const double t1 = sg4::Engine::get_clock();
    record(r, track, std::string("tp ") + label, "tp", t0, t1);
    sg4::CommPtr rest = nvswitch_transfer(s, merged * (par_.tp - 1) / par_.tp, cap);
    exec(seconds);
    const double t2 = sg4::Engine::get_clock();
    record(r, track, label, "compute", t1, t2);
    rest->wait();
    const double t3 = sg4::Engine::get_clock();
    r.tp_s += (t1 - t0) + (t3 - t2);
    record(r, track, std::string("tp ") + label, "tp", t2, t3);
  }
  r.compute_s += seconds;
  r.activities += 3;
  r.flows += 2;
}

void StepSim::stage_actor(int64_t s) {
  StageResult& r = stages_[static_cast<size_t>(s)];
  const std::string& track = tracks_[static_cast<size_t>(s)];
  const int64_t V = virtual_stages();
  const int64_t m = w_.micro_batches;
  const int zero = static_cast<int>(par_.zero);
  const bool has_dp = par_.dp > 1;

  // Parameter all-gather of the previous step's update (ZeRO-1/2, distributed optimizer),
  // overlapped with this step's forward (--overlap-param-gather): a launcher per chunk gathers one
  // layer bucket after the other (NCCL runs a communicator's collectives in order); the chunk's
  // first forward starts once the first bucket is in and cannot end before the last one is.
  std::vector<sg4::ActorPtr> gatherers(static_cast<size_t>(par_.vpp));
  std::vector<sg4::SemaphorePtr> first_bucket(static_cast<size_t>(par_.vpp));
  const bool overlap_gather = sc_.training.overlap.param_gather;
  const bool overlap_reduce = sc_.training.overlap.grad_reduce;
  if (has_dp && zero >= 1 && zero <= 2 && !overlap_gather) {
    // Without --overlap-param-gather the distributed optimizer all-gathers the updated parameters
    // at the end of its step, before anything else runs: the whole stage's parameters, blocking.
    const double t0 = sg4::Engine::get_clock();
    auto flows = dp_flows(
        s, workload::bus_factor(workload::CollKind::kAllGather, par_.dp) * w_.param_bytes * stage_params(s));
    r.flows += static_cast<int64_t>(flows.size());
    wait_all(collectives::start(view_, flows));
    r.dp_s += sg4::Engine::get_clock() - t0;
    record(r, track, "dp all-gather", "dp", t0, sg4::Engine::get_clock());
  }
  if (has_dp && zero >= 1 && zero <= 2 && overlap_gather) {
    for (int64_t c = 0; c < par_.vpp; ++c) {
      auto sem = sg4::Semaphore::create(0);
      first_bucket[static_cast<size_t>(c)] = sem;
      const auto buckets = layer_buckets(s, c, /*forward_order=*/true);
      const double bus = workload::bus_factor(workload::CollKind::kAllGather, par_.dp) * w_.param_bytes;
      gatherers[static_cast<size_t>(c)] =
          sg4::Actor::create("gather", sg4::this_actor::get_host(), [this, s, sem, buckets, bus, &r]() {
            for (size_t i = 0; i < buckets.size(); ++i) {
              auto flows = dp_flows(s, bus * buckets[i]);
              r.flows += static_cast<int64_t>(flows.size());
              wait_all(collectives::start(view_, flows));
              if (i == 0) sem->release();
            }
            if (buckets.empty()) sem->release();
          });
    }
  }
  std::vector<sg4::ActorPtr> reducers;
  std::vector<int64_t> bwd_done(static_cast<size_t>(par_.vpp), 0);
  std::vector<sg4::CommPtr> sends;

  for (const Op& op : pipeline_schedule(s, par_.pp, par_.vpp, m)) {
    const int64_t vs = op.chunk * par_.pp + s;
    const size_t c = static_cast<size_t>(op.chunk);
    const bool recv = op.forward ? vs > 0 : vs < V - 1;
    if (recv) {
      const double t0 = sg4::Engine::get_clock();
      sg4::Mailbox::by_name(mailbox_name(op.forward, vs, op.mb))->get<int>();
      r.pp_wait_s += sg4::Engine::get_clock() - t0;
      record(r, track, "wait", "bubble", t0, sg4::Engine::get_clock());
    }
    const bool gather_pending = op.forward && gatherers[c];
    if (gather_pending) {
      const double t0 = sg4::Engine::get_clock();
      first_bucket[c]->acquire();
      r.dp_s += sg4::Engine::get_clock() - t0;
      record(r, track, "dp all-gather wait", "dp", t0, sg4::Engine::get_clock());
    }
    if (zero == 3 && has_dp) {
      // FSDP full sharding: gather this chunk's parameters before every forward and backward.
      const double t0 = sg4::Engine::get_clock();
      const double bus = workload::bus_factor(workload::CollKind::kAllGather, par_.dp) *
                         chunk_params(s, op.chunk) * w_.param_bytes;
      auto flows = dp_flows(s, bus);
      r.flows += static_cast<int64_t>(flows.size());
      wait_all(collectives::start(view_, flows));
      r.dp_s += sg4::Engine::get_clock() - t0;
      record(r, track, "fsdp all-gather", "dp", t0, sg4::Engine::get_clock());
    }
    if (!op.forward && has_dp && (zero == 3 || (overlap_reduce && ++bwd_done[c] == m))) {
      // This pass finalises the chunk's gradients (under FSDP, every pass does): a launcher
      // reduce-scatters (all-reduces without ZeRO) each layer's bucket as the backward reaches it
      // (--overlap-grad-reduce), one after the other.
      const auto kind = zero == 0 ? workload::CollKind::kAllReduce : workload::CollKind::kReduceScatter;
      const double bus = workload::bus_factor(kind, par_.dp) * w_.grad_bytes_per_param;
      const auto buckets = layer_buckets(s, op.chunk, /*forward_order=*/false);
      // Bucket i is ready when the backward has gone through its layers: launch times follow the
      // cumulative share of the pass's parameters.
      const double pass_s = pass_kernel_seconds(op, vs);
      double total = 0;
      for (double b : buckets) total += b;
      const double t_start = sg4::Engine::get_clock();
      reducers.push_back(sg4::Actor::create(
          "reduce", sg4::this_actor::get_host(), [this, s, buckets, bus, pass_s, total, t_start, &r]() {
            double done = 0;
            for (double b : buckets) {
              done += b;
              sg4::this_actor::sleep_until(t_start + (total > 0 ? pass_s * done / total : pass_s));
              auto flows = dp_flows(s, bus * b);
              r.flows += static_cast<int64_t>(flows.size());
              wait_all(collectives::start(view_, flows));
            }
          }));
    }
    compute(s, op, vs, r);
    if (gather_pending) {
      const double t0 = sg4::Engine::get_clock();
      gatherers[c]->join();
      gatherers[c] = nullptr;
      r.dp_s += sg4::Engine::get_clock() - t0;
      record(r, track, "dp all-gather wait", "dp", t0, sg4::Engine::get_clock());
    }
    const bool send = op.forward ? vs < V - 1 : vs > 0;
    if (send) {
      const int64_t peer_vs = op.forward ? vs + 1 : vs - 1;
      const int64_t peer_stage = peer_vs % par_.pp;
      const int64_t a = stage_node(s), b = stage_node(peer_stage);
      const double cap =
          static_cast<double>(par_.tp) *
          (a == b ? view_.nvlink_gpu_bytes_per_s
                  : std::min<double>(static_cast<double>(sc_.platform.node.nics_per_node) / par_.tp, 1.0) *
                        view_.nic_gpu_bytes_per_s);
      sg4::CommPtr comm = sg4::Mailbox::by_name(mailbox_name(op.forward, peer_vs, op.mb))
                              ->put_init(&payload_, static_cast<uint64_t>(w_.pp_bytes_per_gpu * par_.tp));
      comm->set_rate(cap);
      comm->start();
      sends.push_back(comm);
      r.flows += 1;
    }
  }
  const double t0 = sg4::Engine::get_clock();
  for (auto& a : reducers) a->join();
  if (has_dp && zero <= 2 && !overlap_reduce) {
    // Without --overlap-grad-reduce the gradients are reduced after the last backward pass, in
    // one collective over the stage's whole gradient buffer (Megatron's local DDP
    // allreduce_gradients, DeepSpeed's pipeline engine after the flush).
    const auto kind = zero == 0 ? workload::CollKind::kAllReduce : workload::CollKind::kReduceScatter;
    auto flows = dp_flows(s, workload::bus_factor(kind, par_.dp) * w_.grad_bytes_per_param * stage_params(s));
    r.flows += static_cast<int64_t>(flows.size());
    wait_all(collectives::start(view_, flows));
  }
  r.dp_s += sg4::Engine::get_clock() - t0;
  record(r, track, "dp reduce wait", "dp", t0, sg4::Engine::get_clock());
  const double opt_s =
      s == 0 ? w_.optimizer_s_first : (s == par_.pp - 1 ? w_.optimizer_s_last : w_.optimizer_s_mid);
  const double t1 = sg4::Engine::get_clock();
  exec(opt_s);
  r.opt_s += opt_s;
  record(r, track, "optimizer", "optimizer", t1, sg4::Engine::get_clock());
  r.finish_s = sg4::Engine::get_clock() - start_s_;
  wait_all(sends);
}

StepProfile StepSim::run() {
  sg4::Engine& engine = platform::engine();

  const int64_t gpn = sc_.platform.node.gpus_per_node;
  const int64_t nodes_used = (sc_.gpus + gpn - 1) / gpn;
  if (view_.nodes.empty()) view_ = platform::build_platform(sc_.platform, nodes_used, w_.peak_flop_per_s);

  stages_.assign(static_cast<size_t>(par_.pp), StageResult{});
  start_s_ = sg4::Engine::get_clock();
  std::vector<double> joules_before(view_.nodes.size(), 0.0);
  for (size_t n = 0; n < view_.nodes.size(); ++n)
    joules_before[n] = sg_host_get_consumed_energy(view_.nodes[n]);
  std::vector<sg4::ActorPtr> actors;
  for (int64_t s = 0; s < par_.pp; ++s) {
    char name[64];
    std::snprintf(name, sizeof name, "stage %02lld (node %lld)", static_cast<long long>(s),
                  static_cast<long long>(stage_node(s)));
    tracks_.emplace_back(name);
  }
  for (int64_t s = 0; s < par_.pp; ++s) {
    char name[32];
    std::snprintf(name, sizeof name, "stage%02lld", static_cast<long long>(s));
    actors.push_back(sg4::Actor::create(name, view_.nodes[static_cast<size_t>(stage_node(s))],
                                        [this, s]() { stage_actor(s); }));
  }
  for (int64_t s = 0; s < par_.pp; ++s) {
    tp_boxes_.push_back(sg4::Mailbox::by_name("T" + std::to_string(s)));
    tp_boxes_.back()->set_receiver(actors[static_cast<size_t>(s)]);
  }
  // Eager receive (Megatron/Llama 3 post their pipeline receives asynchronously): every incoming
  // mailbox of a stage has that stage as permanent receiver, so a send starts when it is issued.
  const int64_t V = virtual_stages();
  for (int64_t vs = 0; vs < V; ++vs) {
    const auto& actor = actors[static_cast<size_t>(vs % par_.pp)];
    for (int64_t mb = 0; mb < w_.micro_batches; ++mb) {
      if (vs > 0) sg4::Mailbox::by_name(mailbox_name(true, vs, mb))->set_receiver(actor);
      if (vs < V - 1) sg4::Mailbox::by_name(mailbox_name(false, vs, mb))->set_receiver(actor);
    }
  }
  engine.run();

  StepProfile p;
  p.gpus = sc_.gpus;
  size_t crit = 0;
  for (size_t s = 0; s < stages_.size(); ++s)
    if (stages_[s].finish_s > stages_[crit].finish_s) crit = s;
  const StageResult& r = stages_[crit];
  p.time_s = r.finish_s;
  p.peak_flop_per_s = w_.peak_flop_per_s;
  p.model_flop = w_.model_flop_per_step;
  p.hardware_flop = w_.hardware_flop_per_step;
  const double denom = p.time_s * static_cast<double>(p.gpus) * p.peak_flop_per_s;
  p.mfu = p.model_flop / denom;
  p.hfu = p.hardware_flop / denom;
  p.tflops_per_gpu = p.model_flop / (p.time_s * static_cast<double>(p.gpus)) / 1e12;
  p.tokens_per_s = static_cast<double>(sc_.training.global_batch * sc_.model.seq_len) / p.time_s;
  // Idle waiting on pipeline receives: up to the ideal schedule's bubble it is bubble, beyond it
  // exposed pipeline communication.
  // The ideal bubble is pp - 1 forward+backward chunk passes of the critical stage as it ran them
  // (kernels plus its own exposed TP/CP traffic).
  const double pass_s = (r.compute_s + r.tp_s + r.cp_s) / static_cast<double>(w_.micro_batches * par_.vpp);
  const double ideal_bubble = static_cast<double>(par_.pp - 1) * pass_s;
  StepBreakdown& b = p.breakdown;
  b.compute_s = r.compute_s;
  b.tp_exposed_s = r.tp_s;
  b.cp_exposed_s = r.cp_s;
  b.bubble_s = std::min(r.pp_wait_s, ideal_bubble);
  b.pp_exposed_s = r.pp_wait_s - b.bubble_s;
  b.dp_exposed_s = r.dp_s;
  b.optimizer_s = r.opt_s;
  p.bubble_fraction = b.bubble_s / p.time_s;
  p.exposed_comm_fraction = (b.tp_exposed_s + b.cp_exposed_s + b.pp_exposed_s + b.dp_exposed_s) / p.time_s;
  double busy = 0;
  for (const auto& st : stages_) {
    busy += st.compute_s + st.opt_s;
    p.simulated_activities += st.activities;
    p.simulated_flows += st.flows;
  }
  p.gpu_busy_fraction = busy / static_cast<double>(stages_.size()) / p.time_s;
  // Training-state power. The plugin measured every node; the simulated stages' nodes are
  // representative when the simulated GPUs fill them (tp x stages on the node = GPUs per node).
  const energy::NodePower np = energy::node_power(sc_.platform);
  std::map<int64_t, int64_t> gpus_on_node;
  for (int64_t s = 0; s < par_.pp; ++s) gpus_on_node[stage_node(s)] += par_.tp;
  bool full = true;
  for (const auto& [node, g] : gpus_on_node) full = full && g == sc_.platform.node.gpus_per_node;
  const double lin = np.comm_wait_w + (np.train_w - np.comm_wait_w) * p.gpu_busy_fraction;
  if (full && p.time_s > 0) {
    double joules = 0;
    for (const auto& [node, g] : gpus_on_node)
      joules += sg_host_get_consumed_energy(view_.nodes[static_cast<size_t>(node)]) -
                joules_before[static_cast<size_t>(node)];
    p.node_power_w = joules / (static_cast<double>(gpus_on_node.size()) * p.time_s);
    p.power_from_plugin = true;
  } else {
    p.node_power_w = lin;
  }
  p.gpu_power_w = np.gpu_comm_w + (np.gpu_train_w - np.gpu_comm_w) * p.gpu_busy_fraction;
  p.memory.weights_bytes = w_.memory.weights;
  p.memory.gradients_bytes = w_.memory.gradients;
  p.memory.optimizer_bytes = w_.memory.optimizer;
  p.memory.activations_bytes = w_.memory.activations;
  p.memory.overhead_bytes = w_.memory.overhead;
  p.memory_capacity_bytes = w_.gpu->hbm_bytes;
  if (opt_.collect_trace) {
    for (auto& st : stages_) {
      // The breakdown's rule per stage: receive waits up to the stage's ideal bubble are bubble, the
      // rest exposed pipeline communication ("pp"); the first waits in time fill the bubble first.
      const double st_pass_s =
          (st.compute_s + st.tp_s + st.cp_s) / static_cast<double>(w_.micro_batches * par_.vpp);
      double budget_s = static_cast<double>(par_.pp - 1) * st_pass_s;
      std::vector<TraceEvent> split;
      for (auto& e : st.trace) {
        if (e.category == "bubble" && e.end_s - e.start_s > budget_s) {
          const double cut = e.start_s + std::max(budget_s, 0.0);
          if (cut > e.start_s) split.push_back({e.track, e.name, "bubble", e.start_s, cut});
          split.push_back({e.track, "pp wait (beyond the bubble)", "pp", cut, e.end_s});
          budget_s = 0;
          continue;
        }
        if (e.category == "bubble") budget_s -= e.end_s - e.start_s;
        split.push_back(std::move(e));
      }
      for (auto& e : split) p.trace.push_back(std::move(e));
    }
    std::stable_sort(p.trace.begin(), p.trace.end(),
                     [](const TraceEvent& x, const TraceEvent& y) { return x.start_s < y.start_s; });
  }
  return p;
}

}  // namespace

StepProfile simulate_step(const config::ScenarioSpec& scenario, const StepOptions& options,
                          platform::ClusterView* view) {
  const workload::Workload w = workload::build_workload(scenario);
  StepSim sim(scenario, w, options);
  if (view != nullptr && !view->nodes.empty()) sim.reuse(*view);
  StepProfile p = sim.run();
  if (view != nullptr) *view = sim.view();
  return p;
}

platform::ClusterView build_step_platform(const config::ScenarioSpec& scenario) {
  const workload::Workload w = workload::build_workload(scenario);
  (void)platform::engine();
  const int64_t gpn = scenario.platform.node.gpus_per_node;
  return platform::build_platform(scenario.platform, (scenario.gpus + gpn - 1) / gpn, w.peak_flop_per_s);
}

}  // namespace trainsim::step
