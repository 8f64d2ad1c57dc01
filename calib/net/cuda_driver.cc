#include "calib/net/cuda_driver.h"

#include <dlfcn.h>

#include <mutex>

#include "calib/net/fabric_rail.h"

namespace fabricplan::calib {
namespace {

// The driver API's types, as cuda.h declares them (ABI-stable since CUDA 3.2; the _v2
// entry points take 64-bit device pointers and sizes).
using CUresult = int;
using CUdevice = int;
using CUcontext = void*;
using CUdeviceptr = unsigned long long;

struct Driver {
  bool loaded = false;
  std::string why;
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDeviceGetCount)(int*) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice*, int) = nullptr;
  CUresult (*cuDeviceGetName)(char*, int, CUdevice) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext) = nullptr;
  CUresult (*cuMemAlloc)(CUdeviceptr*, std::size_t) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr) = nullptr;
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, std::size_t) = nullptr;
  CUresult (*cuGetErrorString)(CUresult, const char**) = nullptr;
  CUresult (*cuMemAllocHost)(void**, std::size_t) = nullptr;
  CUresult (*cuMemFreeHost)(void*) = nullptr;
  CUresult (*cuMemcpyDtoH)(void*, CUdeviceptr, std::size_t) = nullptr;
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void*, std::size_t) = nullptr;

  std::string error(CUresult rc) const {
    const char* text = nullptr;
    if (cuGetErrorString) cuGetErrorString(rc, &text);
    return text ? std::string(text) : "CUDA driver error " + std::to_string(rc);
  }
};

template <typename F>
bool find(void* lib, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(lib, name));
  return f != nullptr;
}

const Driver& driver() {
  static Driver d;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      d.why = "no CUDA driver (libcuda.so.1 not found)";
      return;
    }
    bool ok = find(lib, "cuInit", d.cuInit) && find(lib, "cuDeviceGetCount", d.cuDeviceGetCount) &&
              find(lib, "cuDeviceGet", d.cuDeviceGet) && find(lib, "cuDeviceGetName", d.cuDeviceGetName) &&
              find(lib, "cuDevicePrimaryCtxRetain", d.cuDevicePrimaryCtxRetain) &&
              find(lib, "cuCtxSetCurrent", d.cuCtxSetCurrent) && find(lib, "cuMemAlloc_v2", d.cuMemAlloc) &&
              find(lib, "cuMemFree_v2", d.cuMemFree) && find(lib, "cuMemsetD8_v2", d.cuMemsetD8) &&
              find(lib, "cuGetErrorString", d.cuGetErrorString) && find(lib, "cuMemAllocHost_v2", d.cuMemAllocHost) &&
              find(lib, "cuMemFreeHost", d.cuMemFreeHost) && find(lib, "cuMemcpyDtoH_v2", d.cuMemcpyDtoH) &&
              find(lib, "cuMemcpyHtoD_v2", d.cuMemcpyHtoD);
    if (!ok) {
      d.why = "libcuda.so.1 lacks the driver API entry points this needs";
      return;
    }
    if (CUresult rc = d.cuInit(0)) {
      d.why = "cuInit failed: " + d.error(rc);
      return;
    }
    int count = 0;
    if (CUresult rc = d.cuDeviceGetCount(&count); rc || count == 0) {
      d.why = rc ? "cuDeviceGetCount failed: " + d.error(rc) : "the CUDA driver sees no GPU";
      return;
    }
    d.loaded = true;
    d.why = "CUDA driver with " + std::to_string(count) + " GPU" + (count > 1 ? "s" : "");
  });
  return d;
}

// Makes GPU `device`'s primary context current on this thread (the runtime API's
// context too, so libfabric's copies and ours agree).
void make_current(const Driver& d, int device) {
  CUdevice dev = 0;
  CUcontext ctx = nullptr;
  if (CUresult rc = d.cuDeviceGet(&dev, device)) throw FabricError("cuDeviceGet(" + std::to_string(device) + "): " + d.error(rc));
  if (CUresult rc = d.cuDevicePrimaryCtxRetain(&ctx, dev)) throw FabricError("cuDevicePrimaryCtxRetain: " + d.error(rc));
  if (CUresult rc = d.cuCtxSetCurrent(ctx)) throw FabricError("cuCtxSetCurrent: " + d.error(rc));
}

}  // namespace

bool cuda_device_memory_available(std::string* why) {
  const Driver& d = driver();
  if (why) *why = d.why;
  return d.loaded;
}

void cuda_make_current(int device) {
  const Driver& d = driver();
  if (!d.loaded) throw FabricError("GPU buffers are not available: " + d.why);
  make_current(d, device);
}

std::string cuda_device_name(int device) {
  const Driver& d = driver();
  if (!d.loaded) return "";
  CUdevice dev = 0;
  char name[256] = "";
  if (d.cuDeviceGet(&dev, device) || d.cuDeviceGetName(name, sizeof name, dev)) return "";
  return name;
}

CudaDeviceBuffer::CudaDeviceBuffer(int device, std::size_t bytes, unsigned char fill) : device_(device), bytes_(bytes) {
  const Driver& d = driver();
  if (!d.loaded) throw FabricError("GPU buffers are not available: " + d.why);
  make_current(d, device);
  if (CUresult rc = d.cuMemAlloc(&pointer_, bytes))
    throw FabricError("cuMemAlloc of " + std::to_string(bytes) + " bytes on GPU " + std::to_string(device) + ": " + d.error(rc));
  if (CUresult rc = d.cuMemsetD8(pointer_, fill, bytes)) {
    d.cuMemFree(pointer_);
    throw FabricError("cuMemsetD8: " + d.error(rc));
  }
}

CudaDeviceBuffer::~CudaDeviceBuffer() {
  if (pointer_) driver().cuMemFree(pointer_);
}

CudaPinnedBuffer::CudaPinnedBuffer(int device, std::size_t bytes) {
  const Driver& d = driver();
  if (!d.loaded) throw FabricError("GPU buffers are not available: " + d.why);
  make_current(d, device);
  if (CUresult rc = d.cuMemAllocHost(&pointer_, bytes))
    throw FabricError("cuMemAllocHost of " + std::to_string(bytes) + " bytes: " + d.error(rc));
}

CudaPinnedBuffer::~CudaPinnedBuffer() {
  if (pointer_) driver().cuMemFreeHost(pointer_);
}

void cuda_copy_to_host(void* host, const CudaDeviceBuffer& device, std::size_t bytes) {
  const Driver& d = driver();
  auto src = static_cast<CUdeviceptr>(reinterpret_cast<std::uintptr_t>(device.data()));
  if (CUresult rc = d.cuMemcpyDtoH(host, src, bytes)) throw FabricError("cuMemcpyDtoH: " + d.error(rc));
}

void cuda_copy_to_device(const CudaDeviceBuffer& device, const void* host, std::size_t bytes) {
  const Driver& d = driver();
  auto dst = static_cast<CUdeviceptr>(reinterpret_cast<std::uintptr_t>(device.data()));
  if (CUresult rc = d.cuMemcpyHtoD(dst, host, bytes)) throw FabricError("cuMemcpyHtoD: " + d.error(rc));
}

}  // namespace fabricplan::calib
