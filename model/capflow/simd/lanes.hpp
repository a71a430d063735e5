#pragma once
// Layer simd/ — vector types and branch-free math shared by the lane engines (this file,
// fast_math.hpp). Uses nothing else of capflow.
// (docs/architecture.md; scripts/check-layers enforces it.)
//
// Several Monte Carlo paths side by side, one per SIMD lane (GCC vector
// extensions). Small integers per lane (a tier, a year index) are held as doubles: SSE2
// compares doubles but not 64-bit integers, which GCC would then do lane by lane. Each lane does
// exactly the IEEE operations the scalar code does for its path, in the same order, so a path gives
// the same bits whichever lane, batch or thread runs it: `?:` on a mask replaces each scalar
// branch, and both sides are computed.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>

// The lane code is compiled for AVX2 (four doubles per register) and runs only where
// the CPU has it (MonteCarlo::lanes_supported): wider vectors than the hardware's are
// split by GCC into scalar code, slower than the one-path engine. What the AVX2 entry
// points call is inlined into them (flatten), except the few parts kept out of line so
// that the register allocator sees each apart (WaterfallLanes::distribute_in, path_irr,
// MonteCarlo::draw_lanes and accumulate_lanes): those are AVX2 functions themselves and
// take vectors by reference or pointer only.
// GCC only: Clang (14) rejects passing vectors between an AVX2 function and the inline
// helpers it calls even when they are always inlined, so a Clang build runs every path
// one at a time (same results, without the lanes' speed).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CAPFLOW_LANES_X86 1
#define CAPFLOW_LANES_TARGET __attribute__((target("avx2"), flatten))
// A helper that uses AVX2 instructions directly: only AVX2 functions may call it.
#define CAPFLOW_LANES_AVX2 __attribute__((target("avx2")))
#else
#define CAPFLOW_LANES_AVX2
#define CAPFLOW_LANES_X86 0
#define CAPFLOW_LANES_TARGET
#endif
// Every function that takes or returns a lane vector by value is forced inline: out of
// line (a debug build, where flatten does nothing), an AVX2 caller and a callee built
// without AVX would pass the vector differently (in a register, on the stack).
#define CAPFLOW_LANES_INLINE [[gnu::always_inline]] inline

namespace capflow::lanes {

inline constexpr std::size_t kWidth = 4;

// The alignment is explicit: without AVX enabled GCC would align these types to 16
// bytes, and the AVX2 code would then meet objects laid out by other files at 16.
inline constexpr std::size_t kAlign = kWidth * sizeof(double);
typedef double Real __attribute__((vector_size(kWidth * sizeof(double)), aligned(kAlign)));
typedef std::int64_t Mask
    __attribute__((vector_size(kWidth * sizeof(std::int64_t)), aligned(kAlign)));

CAPFLOW_LANES_INLINE Real splat(double x) {
  return Real{} + x;
}

// m ? a : b, lane by lane. In the AVX2 functions this is one blend; compiled for a
// target without 256-bit vectors (the tests' direct calls) GCC splits it lane by lane.
CAPFLOW_LANES_INLINE Real select(Mask m, Real a, Real b) {
  return m ? a : b;
}

// Whether any lane of m is set: one vptest. The mask comes by reference: a 256-bit
// vector passed by value to an AVX function from code built without AVX would cross
// an ABI boundary.
#if CAPFLOW_LANES_X86
__attribute__((target("avx"))) inline bool any(const Mask& m) {
  typedef long long V4 __attribute__((vector_size(32)));
  return !__builtin_ia32_ptestz256(reinterpret_cast<V4>(m), reinterpret_cast<V4>(m));
}
#else
inline bool any(const Mask& m) {
  std::int64_t acc = 0;
  for (std::size_t l = 0; l < kWidth; ++l) acc |= m[l];
  return acc != 0;
}
#endif

// std::min / std::max with their exact semantics: std::min(a, b) is (b < a) ? b : a.
CAPFLOW_LANES_INLINE Real min(Real a, Real b) {
  return select(b < a, b, a);
}
CAPFLOW_LANES_INLINE Real max(Real a, Real b) {
  return select(a < b, b, a);
}

// table[index] lane by lane, for a whole number 0 <= index < kWidth per lane (held as
// a double): `Lookup at(index)` once, then at(table), one permute (vpermd) per table in
// AVX2.
#if CAPFLOW_LANES_X86
class Lookup {
 public:
  CAPFLOW_LANES_INLINE explicit Lookup(Real index) {
    // The index as an integer by the 2^52 trick (exact for such numbers), then the two
    // 32-bit halves of each lane's double: 2 index and 2 index + 1.
    const Real magic = splat(0x1p52);
    const Mask i = reinterpret_cast<Mask>(index + magic) - reinterpret_cast<Mask>(magic);
    halves_ = reinterpret_cast<Halves>((i << 1) | (((i << 1) + 1) << 32));
  }
  CAPFLOW_LANES_INLINE Real operator()(const Real& table) const {
    return reinterpret_cast<Real>(__builtin_shuffle(reinterpret_cast<Halves>(table), halves_));
  }

 private:
  typedef int Halves __attribute__((vector_size(kWidth * sizeof(double)), aligned(kAlign)));
  Halves halves_;
};
#else
class Lookup {
 public:
  CAPFLOW_LANES_INLINE explicit Lookup(Real index) : index_(index) {}
  CAPFLOW_LANES_INLINE Real operator()(const Real& table) const {
    Real r{};
    for (std::size_t l = 0; l < kWidth; ++l) r[l] = table[static_cast<std::size_t>(index_[l])];
    return r;
  }

 private:
  Real index_;
};
#endif

template <class Scalar>
struct LaneOf;
template <>
struct LaneOf<double> {
  typedef Real type;
};
template <>
struct LaneOf<std::int64_t> {
  typedef Mask type;
};

// A std::vector of Real (Scalar double) or Mask (Scalar int64_t), always kAlign-aligned.
// std::vector<Real> would not do: GCC drops the aligned attribute from template
// arguments, so its allocation would be aligned for the file that makes it, which may
// not be the AVX2 file that uses it. Hence also the scalar type as the argument.
template <class Scalar>
class Vector {
 public:
  typedef typename LaneOf<Scalar>::type T;
  Vector() = default;
  explicit Vector(std::size_t n, const T& value = T{}) { assign(n, value); }
  Vector(const Vector& o) { *this = o; }
  // Copies and fills are plain loops: these arrays hold a few registers' worth, less
  // than the call to memmove or memset that std::copy and std::fill make (the lane
  // engine is built without GCC's rewriting of such loops into those calls).
  Vector& operator=(const Vector& o) {
    if (this != &o) {
      if (o.size_ != size_) allocate(o.size_);
      for (std::size_t i = 0; i < size_; ++i) data_[i] = o.data_[i];
    }
    return *this;
  }
  ~Vector() { release(); }

  void assign(std::size_t n, const T& value) {
    if (n != size_) allocate(n);
    for (std::size_t i = 0; i < size_; ++i) data_[i] = value;
  }
  // Every element T{}, the size kept.
  void zero() {
    for (std::size_t i = 0; i < size_; ++i) data_[i] = T{};
  }
  // Resizes to n, every element T{} (the old contents are not kept).
  void resize(std::size_t n) {
    if (n != size_) assign(n, T{});
  }
  std::size_t size() const { return size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  void allocate(std::size_t n) {
    release();
    if (n == 0) return;
    data_ = static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{kAlign}));
    size_ = n;
  }
  void release() {
    if (data_) ::operator delete (data_, std::align_val_t{kAlign});
    data_ = nullptr;
    size_ = 0;
  }
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

using RealVector = Vector<double>;
using MaskVector = Vector<std::int64_t>;

}  // namespace capflow::lanes
