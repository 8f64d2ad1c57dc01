// GPU memory for the libfabric benchmarks, through the CUDA driver API loaded at run
// time (dlopen of libcuda.so.1, which every NVIDIA driver installs).
//
// Why not link CUDA: the network calibration must build and run on hosts without the
// CUDA toolkit (Debian's libfabric here, a login node), and whether GPU buffers can be
// used is a fact of the machine it runs on (driver, GPU, and a libfabric built with
// CUDA hmem support), decided by capability checks when it runs, not when it is built.
// Only the handful of driver calls needed to allocate, fill and free device memory are
// looked up; libfabric's own hmem code does the copies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fabricplan::calib {

// Whether device memory can be allocated here: the driver library loads, cuInit
// succeeds and there is at least one GPU. `why` says what was found either way.
bool cuda_device_memory_available(std::string* why);

// `bytes` of device memory on GPU `device` (its primary context), filled with `fill`.
// Throws FabricError (see fabric_rail.h) with the driver's message when it cannot.
class CudaDeviceBuffer {
 public:
  CudaDeviceBuffer(int device, std::size_t bytes, unsigned char fill);
  ~CudaDeviceBuffer();
  CudaDeviceBuffer(const CudaDeviceBuffer&) = delete;
  CudaDeviceBuffer& operator=(const CudaDeviceBuffer&) = delete;

  void* data() const { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(pointer_)); }
  std::size_t size() const { return bytes_; }
  int device() const { return device_; }

 private:
  int device_;
  std::size_t bytes_;
  unsigned long long pointer_ = 0;  // CUdeviceptr
};

// `bytes` of page-locked host memory (cuMemAllocHost): the bounce buffer of the host-
// staging path, so that its copies run at the PCIe rate rather than a pageable copy's.
class CudaPinnedBuffer {
 public:
  CudaPinnedBuffer(int device, std::size_t bytes);
  ~CudaPinnedBuffer();
  CudaPinnedBuffer(const CudaPinnedBuffer&) = delete;
  CudaPinnedBuffer& operator=(const CudaPinnedBuffer&) = delete;
  void* data() const { return pointer_; }

 private:
  void* pointer_ = nullptr;
};

// Synchronous copies between a device buffer and host memory (the calling thread must
// have entered the device's context). Throw FabricError.
void cuda_copy_to_host(void* host, const CudaDeviceBuffer& device, std::size_t bytes);
void cuda_copy_to_device(const CudaDeviceBuffer& device, const void* host, std::size_t bytes);

// Makes GPU `device`'s primary context current on the calling thread (a thread that
// drives a rail with GPU buffers calls this first). Throws FabricError.
void cuda_make_current(int device);

// The name of GPU `device` ("NVIDIA H100 80GB HBM3"), or "" when unavailable.
std::string cuda_device_name(int device);

}  // namespace fabricplan::calib
