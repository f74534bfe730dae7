// The protocol buffers wire format (https://protobuf.dev/programming-guides/encoding/), as much of it as the stand-in
// needs to read ONNX models (onnx_model.cc) and to add the few nodes its numerics insert (onnx_graph.cc). Why by hand:
// the stand-in links only onnxruntime, whose C API neither exposes the ModelProto it parses (its protobuf is linked in
// statically, symbols hidden) nor edits a loaded graph, and it builds from TensorRT's and onnxruntime's C headers
// alone (no protoc, no onnx.proto). The format is small and stable: varints, fixed 32/64-bit and length-delimited
// fields; everything here throws std::runtime_error on truncated or malformed input rather than reading past it.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace trt_standin {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

class Reader {
 public:
  Reader(uint8_t const* p, size_t n) : p_(p), end_(p + n) {}
  explicit Reader(std::string const& bytes) : Reader(reinterpret_cast<uint8_t const*>(bytes.data()), bytes.size()) {}
  bool done() const { return p_ >= end_; }
  uint8_t const* position() const { return p_; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) throw std::runtime_error("truncated varint");
      uint8_t b = *p_++;
      v |= uint64_t{b & 0x7FU} << shift;
      if ((b & 0x80U) == 0) return v;
    }
    throw std::runtime_error("varint longer than 10 bytes");
  }

  // A length-delimited field's bytes.
  Reader sub() {
    uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_)) throw std::runtime_error("field runs past the end of the message");
    Reader r(p_, static_cast<size_t>(n));
    p_ += n;
    return r;
  }

  std::string string() {
    Reader r = sub();
    return r.rest();
  }

  // What is left of this message, as bytes.
  std::string rest() const { return std::string(reinterpret_cast<char const*>(p_), static_cast<size_t>(end_ - p_)); }

  // (field number, wire type) of the next field.
  std::pair<uint32_t, uint32_t> key() {
    uint64_t k = varint();
    return {static_cast<uint32_t>(k >> 3), static_cast<uint32_t>(k & 7U)};
  }

  uint32_t fixed32() {
    if (4 > static_cast<size_t>(end_ - p_)) throw std::runtime_error("fixed field runs past the end");
    uint32_t v = 0;
    std::memcpy(&v, p_, 4);  // little-endian on the hosts the stand-in runs on, as the wire format is
    p_ += 4;
    return v;
  }

  void skip(uint32_t wireType) {
    switch (wireType) {
      case kVarint: varint(); return;
      case kFixed64: advance(8); return;
      case kLengthDelimited: sub(); return;
      case kFixed32: advance(4); return;
      default: throw std::runtime_error("unsupported wire type " + std::to_string(wireType));
    }
  }

 private:
  void advance(size_t n) {
    if (n > static_cast<size_t>(end_ - p_)) throw std::runtime_error("fixed field runs past the end");
    p_ += n;
  }
  uint8_t const* p_;
  uint8_t const* end_;
};

// One field of a message being read: its number and wire type, and the bytes it spans (key included), so that a
// rewrite can copy the fields it leaves alone unchanged.
struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint8_t const* begin = nullptr;
  uint8_t const* end = nullptr;
  Reader value{nullptr, 0};  // a length-delimited field's content
  uint64_t scalar = 0;       // a varint field's value

  // Reads the next field of `r`.
  static Field next(Reader& r) {
    Field f;
    f.begin = r.position();
    uint64_t key = r.varint();
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire = static_cast<uint32_t>(key & 7U);
    if (f.wire == kLengthDelimited) f.value = r.sub();
    else if (f.wire == kVarint) f.scalar = r.varint();
    else r.skip(f.wire);
    f.end = r.position();
    return f;
  }
  bool is(uint32_t n, uint32_t w) const { return number == n && wire == w; }
  std::string text() const { return value.rest(); }
};

class Writer {
 public:
  void varint(uint64_t v) {
    while (v >= 0x80U) {
      out.push_back(static_cast<char>((v & 0x7FU) | 0x80U));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void key(uint32_t field, uint32_t wire) { varint((uint64_t{field} << 3) | wire); }
  void varintField(uint32_t field, uint64_t v) {
    key(field, kVarint);
    varint(v);
  }
  void bytesField(uint32_t field, std::string const& bytes) {
    key(field, kLengthDelimited);
    varint(bytes.size());
    out += bytes;
  }
  // A field read with Field::next, copied unchanged.
  void copy(Field const& f) { out.append(reinterpret_cast<char const*>(f.begin), static_cast<size_t>(f.end - f.begin)); }
  std::string out;
};

}  // namespace trt_standin
