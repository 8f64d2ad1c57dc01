#include "calib/net/fabric_rail.h"

#include "calib/net/cuda_driver.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <thread>
#include <netinet/in.h>
#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>

namespace fabricplan::calib {
namespace {

// The headers' own version: FI_HMEM and fi_mr_attr's iface/device need at least 1.10.
constexpr std::uint32_t kApiVersion = FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION);

std::string fi_text(const char* what, int rc) { return std::string(what) + ": " + fi_strerror(-rc); }

void check(int rc, const char* what) {
  if (rc) throw FabricError(fi_text(what, rc));
}

// Hints for reliable datagram endpoints with two-sided messages. We supply an
// fi_context2 per operation and register memory when the provider asks for it.
fi_info* rdm_hints(const std::string& provider, std::uint64_t extra_caps) {
  fi_info* h = fi_allocinfo();
  if (!h) throw FabricError("fi_allocinfo failed");
  h->ep_attr->type = FI_EP_RDM;
  h->caps = FI_MSG | extra_caps;
  h->mode = FI_CONTEXT | FI_CONTEXT2;
  h->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_ALLOCATED | FI_MR_PROV_KEY | FI_MR_VIRT_ADDR |
                            ((extra_caps & FI_HMEM) ? FI_MR_HMEM : 0);
  h->domain_attr->threading = FI_THREAD_DOMAIN;
  h->fabric_attr->prov_name = strdup(provider.c_str());
  return h;
}

struct InfoList {
  fi_info* head = nullptr;
  ~InfoList() { if (head) fi_freeinfo(head); }
};

std::string source_address(const fi_info* i) {
  if (!i->src_addr) return "";
  char text[INET6_ADDRSTRLEN] = "";
  if (i->addr_format == FI_SOCKADDR_IN || (i->addr_format == FI_SOCKADDR && i->src_addrlen == sizeof(sockaddr_in))) {
    inet_ntop(AF_INET, &static_cast<const sockaddr_in*>(i->src_addr)->sin_addr, text, sizeof text);
  } else if (i->addr_format == FI_SOCKADDR_IN6) {
    inet_ntop(AF_INET6, &static_cast<const sockaddr_in6*>(i->src_addr)->sin6_addr, text, sizeof text);
  }
  return text;
}

bool is_ipv4(const fi_info* i) { return i->addr_format == FI_SOCKADDR_IN; }

RailChoice describe(const fi_info* i) {
  RailChoice c;
  c.provider = i->fabric_attr->prov_name ? i->fabric_attr->prov_name : "";
  c.domain = i->domain_attr->name ? i->domain_attr->name : "";
  c.fabric = i->fabric_attr->name ? i->fabric_attr->name : "";
  c.address = source_address(i);
  c.max_msg_bytes = i->ep_attr->max_msg_size;
  c.tx_depth = i->tx_attr->size;
  c.rx_depth = i->rx_attr->size;
  c.loopback = c.domain == "lo" || c.address.rfind("127.", 0) == 0 || c.address == "::1";
  return c;
}

}  // namespace

std::string libfabric_version() {
  std::uint32_t v = fi_version();
  return std::to_string(FI_MAJOR(v)) + "." + std::to_string(FI_MINOR(v));
}

std::vector<RailChoice> list_rails(const std::string& provider) {
  fi_info* hints = rdm_hints(provider, 0);
  InfoList list;
  int rc = fi_getinfo(kApiVersion, nullptr, nullptr, 0, hints, &list.head);
  fi_freeinfo(hints);
  if (rc) throw FabricError("libfabric provider \"" + provider + "\" offers no RDM endpoint with FI_MSG here (" +
                            fi_strerror(-rc) + "); fi_info -l lists the providers");
  // One entry per domain; an IPv4 source address is preferred over IPv6 ones.
  std::vector<RailChoice> out;
  for (fi_info* i = list.head; i; i = i->next) {
    RailChoice c = describe(i);
    auto same = std::find_if(out.begin(), out.end(), [&](const RailChoice& o) { return o.domain == c.domain; });
    if (same == out.end()) out.push_back(c);
    else if (is_ipv4(i) && same->address.find(':') != std::string::npos) *same = c;
  }
  return out;
}

std::vector<RailChoice> choose_rails(const std::string& provider, const std::vector<std::string>& tokens,
                                     std::size_t count) {
  std::vector<RailChoice> all = list_rails(provider);
  std::vector<RailChoice> chosen;
  if (!tokens.empty()) {
    for (const auto& t : tokens) {
      auto it = std::find_if(all.begin(), all.end(),
                             [&](const RailChoice& c) { return c.domain == t || (!c.address.empty() && c.address == t); });
      if (it == all.end()) {
        std::string known;
        for (const auto& c : all) known += (known.empty() ? "" : ", ") + c.domain + (c.address.empty() ? "" : " (" + c.address + ")");
        throw FabricError("rail \"" + t + "\" is not a domain or address of provider " + provider + "; it offers: " + known);
      }
      chosen.push_back(*it);
    }
    return chosen;
  }
  std::vector<RailChoice> real;
  for (const auto& c : all) if (!c.loopback) real.push_back(c);
  if (real.empty()) real = all;
  std::sort(real.begin(), real.end(), [](const RailChoice& a, const RailChoice& b) { return a.domain < b.domain; });
  if (real.size() < count)
    throw FabricError("the peer asked for " + std::to_string(count) + " rails but provider " + provider + " offers " +
                      std::to_string(real.size()) + " here; name them with --rails");
  real.resize(count);
  return real;
}

namespace {
// The provider's RDM domains that report FI_HMEM, into `list`; 0 or a negative error.
int hmem_domains(const std::string& provider, InfoList& list) {
  fi_info* hints = rdm_hints(provider, FI_HMEM);
  int rc = fi_getinfo(kApiVersion, nullptr, nullptr, 0, hints, &list.head);
  fi_freeinfo(hints);
  return rc;
}
}  // namespace

bool provider_supports_hmem(const std::string& provider, std::string* why) {
  InfoList list;
  if (int rc = hmem_domains(provider, list)) {
    if (why) *why = "provider " + provider + " reports no FI_HMEM capability (" + fi_strerror(-rc) +
                    "): GPU memory cannot be registered, so transfers stage through host memory";
    return false;
  }
  if (why) *why = "provider " + provider + " reports FI_HMEM";
  return true;
}

const char* buffer_kind_name(BufferKind k) {
  switch (k) {
    case BufferKind::kCuda: return "cuda";
    case BufferKind::kCudaStaged: return "cuda-staged";
    case BufferKind::kHost: break;
  }
  return "host";
}

namespace {
// Opens the provider's first FI_HMEM domain and registers 64 KiB of GPU memory there.
bool provider_registers_cuda(const std::string& provider, std::string* why) {
  InfoList list;
  int rc = hmem_domains(provider, list);
  if (rc) {
    *why = "provider " + provider + " reports no FI_HMEM capability (" + fi_strerror(-rc) + ")";
    return false;
  }
  fid_fabric* fabric = nullptr;
  fid_domain* domain = nullptr;
  fid_mr* mr = nullptr;
  rc = fi_fabric(list.head->fabric_attr, &fabric, nullptr);
  if (!rc) rc = fi_domain(fabric, list.head, &domain, nullptr);
  if (!rc) {
    CudaDeviceBuffer probe(0, 1 << 16, 0);
    iovec iov{probe.data(), probe.size()};
    fi_mr_attr attr{};
    attr.mr_iov = &iov;
    attr.iov_count = 1;
    attr.access = FI_SEND | FI_RECV;
    attr.iface = FI_HMEM_CUDA;
    attr.device.cuda = 0;
    rc = fi_mr_regattr(domain, &attr, 0, &mr);
    if (mr) fi_close(&mr->fid);
  }
  if (domain) fi_close(&domain->fid);
  if (fabric) fi_close(&fabric->fid);
  *why = rc ? "provider " + provider + " reports FI_HMEM but cannot register CUDA memory (fi_mr_regattr with "
                  "FI_HMEM_CUDA: " + fi_strerror(-rc) + "; a libfabric built without CUDA support?)"
            : "provider " + provider + " registers CUDA memory (FI_HMEM_CUDA)";
  return rc == 0;
}
}  // namespace

bool buffers_usable(const std::string& provider, BufferKind kind, std::string* why) {
  if (kind == BufferKind::kHost) {
    if (why) *why = "host memory";
    return true;
  }
  std::string cuda_why;
  if (!cuda_device_memory_available(&cuda_why)) {
    if (why) *why = cuda_why;
    return false;
  }
  if (kind == BufferKind::kCudaStaged) {
    if (why) *why = cuda_why + "; GPU memory staged through pinned host buffers";
    return true;
  }
  std::string reg_why;
  const bool ok = provider_registers_cuda(provider, &reg_why);
  if (why) *why = cuda_why + "; " + reg_why;
  return ok;
}

struct FabricRail::Impl {
  fi_info* info = nullptr;
  fid_fabric* fabric = nullptr;
  fid_domain* domain = nullptr;
  fid_cq* cq = nullptr;
  fid_av* av = nullptr;
  fid_ep* ep = nullptr;
  fid_mr* send_mr = nullptr;
  fid_mr* recv_mr = nullptr;
  std::vector<std::uint8_t> send_buf, recv_buf;             // host buffers
  std::unique_ptr<CudaDeviceBuffer> send_gpu, recv_gpu;     // or GPU buffers
  std::unique_ptr<CudaPinnedBuffer> send_bounce, recv_bounce;  // staged: what the NIC sees
  void* send_ptr = nullptr;
  void* recv_ptr = nullptr;
  void* send_desc = nullptr;
  void* recv_desc = nullptr;
  fi_addr_t peer = FI_ADDR_UNSPEC;
  std::vector<fi_context2> contexts;  // one per outstanding operation, used round robin
  std::size_t next_context = 0;
  std::size_t sends_done = 0, recvs_done = 0;
  std::uint32_t empty_polls = 0;

  ~Impl() {
    if (ep) fi_close(&ep->fid);
    if (av) fi_close(&av->fid);
    if (cq) fi_close(&cq->fid);
    if (send_mr) fi_close(&send_mr->fid);
    if (recv_mr) fi_close(&recv_mr->fid);
    if (domain) fi_close(&domain->fid);
    if (fabric) fi_close(&fabric->fid);
    if (info) fi_freeinfo(info);
  }
  fi_context2* context() {
    fi_context2* c = &contexts[next_context];
    next_context = (next_context + 1) % contexts.size();
    return c;
  }
};

FabricRail::FabricRail(const RailChoice& choice, std::size_t max_bytes, std::size_t depth, BufferKind buffers)
    : choice_(choice), buffers_(buffers), impl_(std::make_unique<Impl>()) {
  const bool gpu = buffers == BufferKind::kCuda;  // registered with the provider
  const bool staged = buffers == BufferKind::kCudaStaged;
  fi_info* hints = rdm_hints(choice.provider.substr(0, choice.provider.find(';')), gpu ? FI_HMEM : 0);
  InfoList list;
  int rc = fi_getinfo(kApiVersion, nullptr, nullptr, 0, hints, &list.head);
  fi_freeinfo(hints);
  if (rc) throw FabricError(fi_text(gpu ? "fi_getinfo(FI_HMEM)" : "fi_getinfo", rc));
  for (fi_info* i = list.head; i && !impl_->info; i = i->next) {
    RailChoice c = describe(i);
    if (c.domain == choice.domain && c.address == choice.address) impl_->info = fi_dupinfo(i);
  }
  if (!impl_->info) throw FabricError("domain " + choice.domain + " of " + choice.provider + " disappeared");
  fi_info* info = impl_->info;
  if (max_bytes > info->ep_attr->max_msg_size)
    throw FabricError("messages of " + std::to_string(max_bytes) + " bytes exceed " + choice.provider + "'s limit of " +
                      std::to_string(info->ep_attr->max_msg_size));
  depth_ = std::max<std::size_t>(1, std::min({depth, info->tx_attr->size, info->rx_attr->size}));
  impl_->contexts.resize(4 * depth_ + 8);

  check(fi_fabric(info->fabric_attr, &impl_->fabric, nullptr), "fi_fabric");
  check(fi_domain(impl_->fabric, info, &impl_->domain, nullptr), "fi_domain");
  fi_cq_attr cq_attr{};
  cq_attr.format = FI_CQ_FORMAT_MSG;
  cq_attr.size = 4 * depth_ + 8;
  cq_attr.wait_obj = FI_WAIT_NONE;
  check(fi_cq_open(impl_->domain, &cq_attr, &impl_->cq, nullptr), "fi_cq_open");
  fi_av_attr av_attr{};
  av_attr.type = info->domain_attr->av_type == FI_AV_UNSPEC ? FI_AV_TABLE : info->domain_attr->av_type;
  check(fi_av_open(impl_->domain, &av_attr, &impl_->av, nullptr), "fi_av_open");
  check(fi_endpoint(impl_->domain, info, &impl_->ep, nullptr), "fi_endpoint");
  check(fi_ep_bind(impl_->ep, &impl_->av->fid, 0), "fi_ep_bind(av)");
  check(fi_ep_bind(impl_->ep, &impl_->cq->fid, FI_TRANSMIT | FI_RECV), "fi_ep_bind(cq)");
  check(fi_enable(impl_->ep), "fi_enable");

  const std::size_t bytes = std::max<std::size_t>(max_bytes, 64);
  if (gpu || staged) {
    impl_->send_gpu = std::make_unique<CudaDeviceBuffer>(0, bytes, 0x5a);
    impl_->recv_gpu = std::make_unique<CudaDeviceBuffer>(0, bytes, 0);
    impl_->send_ptr = impl_->send_gpu->data();
    impl_->recv_ptr = impl_->recv_gpu->data();
  }
  if (staged) {
    impl_->send_bounce = std::make_unique<CudaPinnedBuffer>(0, bytes);
    impl_->recv_bounce = std::make_unique<CudaPinnedBuffer>(0, bytes);
    impl_->send_ptr = impl_->send_bounce->data();
    impl_->recv_ptr = impl_->recv_bounce->data();
  } else if (!gpu) {
    impl_->send_buf.assign(bytes, 0x5a);
    impl_->recv_buf.assign(bytes, 0);
    impl_->send_ptr = impl_->send_buf.data();
    impl_->recv_ptr = impl_->recv_buf.data();
  }
  // GPU memory is always registered (the provider must know it is device memory);
  // host memory only where the provider asks for it (FI_MR_LOCAL).
  if (gpu || (info->domain_attr->mr_mode & FI_MR_LOCAL)) {
    auto reg = [&](void* ptr, std::uint64_t access, std::uint64_t key, fid_mr** mr, const char* what) {
      iovec iov{ptr, bytes};
      fi_mr_attr attr{};
      attr.mr_iov = &iov;
      attr.iov_count = 1;
      attr.access = access;
      attr.requested_key = key;
      attr.iface = gpu ? FI_HMEM_CUDA : FI_HMEM_SYSTEM;
      attr.device.cuda = 0;
      check(fi_mr_regattr(impl_->domain, &attr, 0, mr), what);
    };
    reg(impl_->send_ptr, FI_SEND, 0, &impl_->send_mr, gpu ? "fi_mr_regattr(send, FI_HMEM_CUDA)" : "fi_mr_regattr(send)");
    reg(impl_->recv_ptr, FI_RECV, 1, &impl_->recv_mr, gpu ? "fi_mr_regattr(recv, FI_HMEM_CUDA)" : "fi_mr_regattr(recv)");
    impl_->send_desc = fi_mr_desc(impl_->send_mr);
    impl_->recv_desc = fi_mr_desc(impl_->recv_mr);
  }
}

void FabricRail::enter_thread() const {
  if (buffers_ != BufferKind::kHost) cuda_make_current(0);
}

FabricRail::~FabricRail() = default;

std::vector<std::uint8_t> FabricRail::name() const {
  std::vector<std::uint8_t> buf(256);
  std::size_t len = buf.size();
  int rc = fi_getname(&impl_->ep->fid, buf.data(), &len);
  if (rc == -FI_ETOOSMALL) {
    buf.resize(len);
    rc = fi_getname(&impl_->ep->fid, buf.data(), &len);
  }
  check(rc, "fi_getname");
  buf.resize(len);
  return buf;
}

void FabricRail::set_peer(const std::vector<std::uint8_t>& peer_name) {
  int n = fi_av_insert(impl_->av, peer_name.data(), 1, &impl_->peer, 0, nullptr);
  if (n != 1) throw FabricError("fi_av_insert: the peer's endpoint name was not accepted by " + choice_.provider);
}

void FabricRail::progress() {
  fi_cq_msg_entry entries[16];
  ssize_t n = fi_cq_read(impl_->cq, entries, 16);
  // Busy polling, but a thread that keeps finding nothing lets others run: the
  // multi-rail step runs one poller per rail on both ends, often on fewer cores.
  if (n == -FI_EAGAIN && ++impl_->empty_polls % 256 == 0) std::this_thread::yield();
  if (n > 0) {
    impl_->empty_polls = 0;
    for (ssize_t k = 0; k < n; ++k) {
      if (entries[k].flags & FI_RECV) {
        // Staged: the data is in GPU memory only once it has been copied there.
        if (impl_->recv_bounce) cuda_copy_to_device(*impl_->recv_gpu, impl_->recv_ptr, entries[k].len);
        ++impl_->recvs_done;
      } else {
        ++impl_->sends_done;
      }
    }
    return;
  }
  if (n == -FI_EAGAIN) return;
  if (n == -FI_EAVAIL) {
    fi_cq_err_entry err{};
    fi_cq_readerr(impl_->cq, &err, 0);
    const char* detail = fi_cq_strerror(impl_->cq, err.prov_errno, err.err_data, nullptr, 0);
    throw FabricError(std::string("a transfer failed on ") + choice_.domain + ": " + fi_strerror(err.err) +
                      (detail ? std::string(" (") + detail + ")" : std::string()) + "; the peer may have died");
  }
  throw FabricError(fi_text("fi_cq_read", static_cast<int>(n)));
}

namespace {
template <typename Post, typename Progress>
void post_with_retry(Post post, Progress progress, FabricRail::Clock::time_point deadline,
                     const char* what, const std::string& domain) {
  for (std::uint32_t spins = 0;; ++spins) {
    ssize_t rc = post();
    if (rc == 0) return;
    if (rc != -FI_EAGAIN) throw FabricError(std::string(what) + " on " + domain + ": " + fi_strerror(static_cast<int>(-rc)));
    progress();
    if ((spins & 1023) == 0 && FabricRail::Clock::now() > deadline)
      throw PeerTimeout(std::string(what) + " on " + domain + " could not be posted before the deadline: the peer stopped taking data");
  }
}
}  // namespace

void FabricRail::post_send(std::size_t bytes, Clock::time_point deadline) {
  // One context per operation, taken once: retries on FI_EAGAIN reuse it, so the ring
  // never advances onto a context still owned by an outstanding operation.
  fi_context2* ctx = impl_->context();
  // Staged: the message leaves GPU memory for the bounce buffer before it is posted.
  if (impl_->send_bounce) cuda_copy_to_host(impl_->send_ptr, *impl_->send_gpu, bytes);
  post_with_retry([&] { return fi_send(impl_->ep, impl_->send_ptr, bytes, impl_->send_desc, impl_->peer, ctx); },
                  [this] { progress(); }, deadline, "fi_send", choice_.domain);
}

void FabricRail::post_recv(std::size_t bytes, Clock::time_point deadline) {
  fi_context2* ctx = impl_->context();
  post_with_retry([&] { return fi_recv(impl_->ep, impl_->recv_ptr, bytes, impl_->recv_desc, FI_ADDR_UNSPEC, ctx); },
                  [this] { progress(); }, deadline, "fi_recv", choice_.domain);
}

void FabricRail::wait_for(std::size_t sends, std::size_t recvs, Clock::time_point deadline) {
  for (std::uint32_t spins = 0; impl_->sends_done < sends || impl_->recvs_done < recvs; ++spins) {
    progress();
    if ((spins & 1023) == 0 && Clock::now() > deadline)
      throw PeerTimeout("no completion on " + choice_.domain + " before the deadline (" +
                        std::to_string(impl_->sends_done) + "/" + std::to_string(sends) + " sends, " +
                        std::to_string(impl_->recvs_done) + "/" + std::to_string(recvs) +
                        " receives): the peer stopped responding");
  }
  impl_->sends_done -= sends;
  impl_->recvs_done -= recvs;
}

}  // namespace fabricplan::calib
