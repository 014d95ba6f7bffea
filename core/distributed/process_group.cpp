#include "core/distributed/process_group.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if defined(USE_C10D_NCCL) && defined(MORPHAEUS_HAVE_CUDA)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define MORPHAEUS_HAVE_NCCL 1
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <sstream>
#include <thread>

#include "core/distributed/local_address.h"

namespace morphaeus {
namespace {

std::unique_ptr<ProcessGroup>& instance() {
  static std::unique_ptr<ProcessGroup> group;
  return group;
}

}  // namespace

struct ProcessGroup::Backend {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#ifdef MORPHAEUS_HAVE_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
};

ProcessGroup::ProcessGroup(const DistributedOptions& options)
    : options_(options), backend_(std::make_unique<Backend>()) {}

ProcessGroup::~ProcessGroup() = default;

ProcessGroup* ProcessGroup::current() {
  return instance().get();
}

namespace {

// A rank that fails while the ranks meet leaves its reason under this key; the others may be
// blocked in Gloo's connect, waiting for that rank's address until the timeout.
constexpr const char* kStartupFailureKey = "startup_failure";

// The first line of an exception's message: LibTorch's errors append their stack trace.
std::string firstLine(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string m = c10_error != nullptr ? c10_error->what_without_backtrace() : e.what();
  if (const auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
  return m;
}

// Each interface of GLOO_SOCKET_IFNAME (comma separated, as PyTorch reads it), else this host's
// address toward the rendezvous host; a device per entry.
std::vector<std::shared_ptr<::gloo::transport::Device>> glooDevices(const DistributedOptions& o,
                                                                    std::string& described) {
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  if (const char* names = std::getenv("GLOO_SOCKET_IFNAME"); names != nullptr && *names != 0) {
    std::stringstream list(names);
    for (std::string name; std::getline(list, name, ',');) {
      if (name.empty()) continue;
      try {
        devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
      } catch (const std::exception& e) {
        throw DistributedError(
            fmt::format("GLOO_SOCKET_IFNAME='{}': no usable interface '{}' on "
                        "this host ({})",
                        names, name, firstLine(e)));
      }
    }
    described = fmt::format("interface {} (GLOO_SOCKET_IFNAME)", names);
    return devices;
  }
  const std::string toward = o.master_addr == "localhost" ? "127.0.0.1" : o.master_addr;
  std::string local;
  try {
    local = localAddressToward(toward, o.master_port);
  } catch (const std::exception& e) {
    throw DistributedError(
        fmt::format("MASTER_ADDR {}: {} (set GLOO_SOCKET_IFNAME to this host's interface toward "
                    "it)",
                    o.master_addr, e.what()));
  }
  devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(local));
  described = fmt::format("address {} (this host's toward {})", local, o.master_addr);
  return devices;
}

// Watches the store for another rank's start-up failure while this one waits for the others
// to meet, on its own connection (the main one is busy inside Gloo's connect); on one, says
// which rank failed and why, and ends this process at once: nothing has been written yet.
class StartupWatch {
 public:
  explicit StartupWatch(const DistributedOptions& o) : thread_([this, o] { watch(o); }) {}
  ~StartupWatch() {
    stop_ = true;
    thread_.join();
  }
  // This rank failed and is about to post it: the failure it will then see is its own (its own
  // error, more precise, is what this process prints).
  void ownFailure() { own_failure_ = true; }

 private:
  void watch(const DistributedOptions& o) {
    try {
      c10d::TCPStoreOptions so;
      so.port = static_cast<std::uint16_t>(o.master_port);
      so.isServer = false;
      so.waitWorkers = false;
      so.timeout = std::chrono::seconds(o.timeout_s);
      c10d::PrefixStore store("morphaeus", c10::make_intrusive<c10d::TCPStore>(o.master_addr, so));
      while (!stop_) {
        if (store.check({kStartupFailureKey})) {
          if (own_failure_) return;  // set before the post this check saw
          const auto why = store.get(kStartupFailureKey);
          std::cerr << fmt::format("error: rank {}/{}: stopping: {}\n", o.rank, o.world_size,
                                   std::string(why.begin(), why.end()));
          std::cerr.flush();
          std::fflush(nullptr);
          std::_Exit(1);
        }
        for (int i = 0; i < 10 && !stop_; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    } catch (const std::exception&) {
      // No rendezvous to watch (not reachable, or gone): the main thread's own wait reports it.
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<bool> own_failure_{false};
  std::thread thread_;
};

}  // namespace

void ProcessGroup::init(const DistributedOptions& o, const torch::Device& device) {
  if (!o.enabled()) return;
  std::unique_ptr<ProcessGroup> g(new ProcessGroup(o));
  const auto timeout = std::chrono::seconds(o.timeout_s);
  const auto started = std::chrono::steady_clock::now();
  std::string gloo_device;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.master_port);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<std::size_t>(o.world_size);
    so.waitWorkers = true;
    so.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
    g->backend_->store = c10::make_intrusive<c10d::PrefixStore>("morphaeus", tcp);
    StartupWatch watch(o);
    try {
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
      gloo_options->devices = glooDevices(o, gloo_device);
      g->backend_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
          c10::make_intrusive<c10d::PrefixStore>("gloo", g->backend_->store), o.rank, o.world_size,
          gloo_options);
      const bool want_nccl = o.backend == "nccl" || (o.backend == "auto" && device.is_cuda());
#ifdef MORPHAEUS_HAVE_NCCL
      if (want_nccl) {
        // NCCL picks its own interface: NCCL_SOCKET_IFNAME, read by NCCL from the environment.
        auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
        nccl_options->timeout = timeout;
        g->backend_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
            c10::make_intrusive<c10d::PrefixStore>("nccl", g->backend_->store), o.rank,
            o.world_size, nccl_options);
      }
#else
      if (o.backend == "nccl" && want_nccl) {
        throw DistributedError("backend nccl: this LibTorch has no NCCL (use gloo)");
      }
#endif
    } catch (const std::exception& e) {
      // The others are told (they would otherwise wait for this rank until the timeout).
      const std::string why = fmt::format("rank {} failed at start-up: {}", o.rank, firstLine(e));
      watch.ownFailure();
      try {
        g->backend_->store->set(kStartupFailureKey, std::vector<uint8_t>(why.begin(), why.end()));
      } catch (const std::exception&) {
      }
      throw;
    }
  } catch (const DistributedError& e) {
    throw DistributedError(fmt::format("rank {}/{}: {}", o.rank, o.world_size, e.what()));
  } catch (const std::exception& e) {
    const auto waited =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
            .count();
    throw DistributedError(
        fmt::format("rank {}/{}: rendezvous at {}:{} failed after {} s (timeout {} s): {}", o.rank,
                    o.world_size, o.master_addr, o.master_port, waited, o.timeout_s, firstLine(e)));
  }
  instance() = std::move(g);
  spdlog::info(
      "distributed: rank {} of {} (local rank {}), {} backend, rendezvous {}:{}, Gloo on {}",
      o.rank, o.world_size, o.local_rank, instance()->backendName(), o.master_addr, o.master_port,
      gloo_device);
}

std::string ProcessGroup::backendName() const {
#ifdef MORPHAEUS_HAVE_NCCL
  if (backend_->nccl) return "nccl (CUDA tensors) + gloo";
#endif
  return "gloo";
}

namespace {

template <class F>
void collective(const ProcessGroup& g, const char* what, F&& run) {
  try {
    run();
  } catch (const std::exception& e) {
    std::string m = e.what();
    if (const auto nl = m.find('\n'); nl != std::string::npos) m.resize(nl);
    throw DistributedError(fmt::format(
        "rank {}/{}: {} failed: {} -- another rank stopped, died or did not answer within the "
        "timeout ({} s); every rank stops",
        g.rank(), g.size(), what, m, g.options().timeout_s));
  }
}

}  // namespace

#ifdef MORPHAEUS_HAVE_NCCL
// NCCL for CUDA tensors; both backends are a c10d::Backend (LibTorch >= 2.0, as NCCL here).
#define MORPHAEUS_PG(t)                                                                \
  (backend_->nccl && (t).is_cuda() ? static_cast<c10d::Backend*>(backend_->nccl.get()) \
                                   : static_cast<c10d::Backend*>(backend_->gloo.get()))
#else
#define MORPHAEUS_PG(t) (backend_->gloo.get())
#endif

namespace {

// The tensors flattened into buckets of one dtype and device, each at most `limit` bytes (a
// tensor larger than that alone); `collective` runs on each flat bucket, whose values are then
// copied back into the tensors.
void forEachFlatBucket(std::vector<torch::Tensor>& tensors, int64_t limit,
                       const std::function<void(torch::Tensor&)>& collective) {
  torch::NoGradGuard no_grad;
  std::vector<bool> taken(tensors.size(), false);
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (taken[i]) continue;
    std::vector<std::size_t> bucket;
    int64_t bytes = 0;
    for (std::size_t j = i; j < tensors.size(); ++j) {
      const auto& t = tensors[j];
      const int64_t b = t.numel() * t.element_size();
      if (taken[j] || t.scalar_type() != tensors[i].scalar_type() ||
          t.device() != tensors[i].device() || (!bucket.empty() && bytes + b > limit))
        continue;
      bucket.push_back(j);
      taken[j] = true;
      bytes += b;
    }
    std::vector<torch::Tensor> flats;
    for (std::size_t j : bucket) flats.push_back(tensors[j].reshape({-1}));
    torch::Tensor flat = torch::cat(flats);
    collective(flat);
    int64_t offset = 0;
    for (std::size_t j : bucket) {
      auto& t = tensors[j];
      t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
      offset += t.numel();
    }
  }
}

}  // namespace

void ProcessGroup::broadcast(std::vector<torch::Tensor> tensors) {
  forEachFlatBucket(tensors, std::numeric_limits<int64_t>::max(), [&](torch::Tensor& flat) {
    std::vector<torch::Tensor> one{flat};
    collective(*this, "broadcast", [&] { MORPHAEUS_PG(flat)->broadcast(one)->wait(); });
  });
}

void ProcessGroup::allReduceSum(torch::Tensor& t) {
  std::vector<torch::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
  collective(*this, "all-reduce", [&] { MORPHAEUS_PG(t)->allreduce(one)->wait(); });
  if (!one[0].is_same(t)) t.copy_(one[0]);
}

std::function<void()> ProcessGroup::allReduceSumAsync(const torch::Tensor& t) {
  std::vector<torch::Tensor> one{t};
  std::function<void()> wait;
  collective(*this, "all-reduce", [&] {
    auto work = MORPHAEUS_PG(t)->allreduce(one);  // c10d's Work (its namespace moved in 2.x)
    wait = [this, work] { collective(*this, "all-reduce", [&] { work->wait(); }); };
  });
  return wait;
}

torch::Tensor ProcessGroup::allGather(const torch::Tensor& t) {
  // Sizes first, then the rows padded to the largest shard.
  torch::Tensor sizes = torch::zeros({size()}, torch::kLong);
  sizes[rank()] = t.size(0);
  allReduceSum(sizes);
  const int64_t most = sizes.max().item<int64_t>();
  auto shape = t.sizes().vec();
  shape[0] = most;
  torch::Tensor mine = torch::zeros(shape, t.options());
  mine.narrow(0, 0, t.size(0)).copy_(t);
  std::vector<std::vector<torch::Tensor>> out(1);
  for (int r = 0; r < size(); ++r) out[0].push_back(torch::empty_like(mine));
  std::vector<torch::Tensor> in{mine};
  collective(*this, "all-gather", [&] { MORPHAEUS_PG(t)->allgather(out, in)->wait(); });
  std::vector<torch::Tensor> parts;
  for (int r = 0; r < size(); ++r)
    parts.push_back(out[0][r].narrow(0, 0, sizes[r].item<int64_t>()));
  return torch::cat(parts);
}

void ProcessGroup::barrier() {
  torch::Tensor one = torch::ones({1});
  allReduceSum(one);  // a barrier that honours the timeout on every backend
}

std::string ProcessGroup::shareFromMain(const std::string& key, const std::string& value) {
  const std::string k = key + "/" + std::to_string(store_keys_++);
  std::string out;
  collective(*this, "store exchange", [&] {
    if (isMain()) {
      backend_->store->set(k, std::vector<uint8_t>(value.begin(), value.end()));
      out = value;
    } else {
      const auto v = backend_->store->get(k);
      out.assign(v.begin(), v.end());
    }
  });
  return out;
}

#undef MORPHAEUS_PG

}  // namespace morphaeus
