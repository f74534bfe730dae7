#include "onnx_model.h"

#include <stdexcept>

#include "protobuf.h"

namespace trt_standin {
namespace {

OnnxNode readNode(Reader r) {
  OnnxNode node;
  while (!r.done()) {
    uint64_t key = r.varint();
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wire = static_cast<uint32_t>(key & 7U);
    if (wire == 2 && field == 3) node.name = r.string();
    else if (wire == 2 && field == 4) node.opType = r.string();
    else if (wire == 2 && field == 7) node.domain = r.string();
    else r.skip(wire);
  }
  return node;
}

}  // namespace

OnnxModel readOnnxModel(uint8_t const* data, size_t size) {
  if (data == nullptr || size == 0) throw std::runtime_error("no model bytes");
  OnnxModel model;
  bool hasGraph = false;
  Reader r(data, size);
  while (!r.done()) {
    uint64_t key = r.varint();
    uint32_t field = static_cast<uint32_t>(key >> 3);
    uint32_t wire = static_cast<uint32_t>(key & 7U);
    if (field == 7 && wire == 2) {  // ModelProto.graph
      hasGraph = true;
      Reader graph = r.sub();
      while (!graph.done()) {
        uint64_t gkey = graph.varint();
        uint32_t gfield = static_cast<uint32_t>(gkey >> 3);
        uint32_t gwire = static_cast<uint32_t>(gkey & 7U);
        if (gfield == 1 && gwire == 2) model.nodes.push_back(readNode(graph.sub()));  // GraphProto.node
        else graph.skip(gwire);
      }
    } else if (field == 8 && wire == 2) {  // ModelProto.opset_import
      Reader opset = r.sub();
      std::string domain;
      int64_t version = 0;
      while (!opset.done()) {
        uint64_t okey = opset.varint();
        uint32_t ofield = static_cast<uint32_t>(okey >> 3);
        uint32_t owire = static_cast<uint32_t>(okey & 7U);
        if (ofield == 1 && owire == 2) domain = opset.string();
        else if (ofield == 2 && owire == 0) version = static_cast<int64_t>(opset.varint());
        else opset.skip(owire);
      }
      model.opsets.emplace_back(domain, version);
    } else {
      r.skip(wire);
    }
  }
  if (!hasGraph) throw std::runtime_error("the ModelProto has no graph");
  return model;
}

}  // namespace trt_standin
