#include "core/checkpoint/torch_file_reader.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <map>
#include <vector>

#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/pickle_reader.h"

namespace morphaeus {
namespace {

std::vector<std::uint8_t> readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw CheckpointError(path, "cannot open the file");
  const auto size = static_cast<std::size_t>(in.tellg());
  std::vector<std::uint8_t> bytes(size);
  in.seekg(0);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
    throw CheckpointError(path, "read error");
  }
  return bytes;
}

bool isZip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError(path, "cannot open the file");
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

c10::IValue readZip(const std::string& path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (reader.hasRecord("byteorder")) {
      auto [ptr, size] = reader.getRecord("byteorder");
      const std::string order(static_cast<const char*>(ptr.get()), size);
      if (order != "little") throw CheckpointError(path, "big-endian archives are not supported");
    }
    if (!reader.hasRecord("data.pkl")) throw CheckpointError(path, "no data.pkl record (not a torch.save file)");
    auto [pkl, pkl_size] = reader.getRecord("data.pkl");
    PickleOptions opts;
    opts.source = path;
    opts.load_storage = [&](const StorageRef& ref) {
      const std::string name = "data/" + ref.key;
      if (!reader.hasRecord(name)) throw CheckpointError(path, "missing tensor record " + name);
      auto [ptr, size] = reader.getRecord(name);
      const std::size_t need = static_cast<std::size_t>(ref.numel) * c10::elementSize(ref.dtype);
      if (size < need) {
        throw CheckpointError(path, "tensor record " + name + " holds " + std::to_string(size) +
                                        " bytes, " + std::to_string(need) + " expected");
      }
      at::Tensor t = at::empty({ref.numel}, at::TensorOptions().dtype(ref.dtype));
      if (need > 0) std::memcpy(t.data_ptr(), ptr.get(), need);
      return t;
    };
    std::size_t offset = 0;
    return unpickle(static_cast<const std::uint8_t*>(pkl.get()), pkl_size, &offset, opts);
  } catch (const CheckpointError&) {
    throw;
  } catch (const c10::Error& e) {
    throw CheckpointError(path, std::string("not a readable torch.save archive: ") + e.what_without_backtrace());
  }
}

// Legacy: magic number, protocol version, sys info, the object, the storage keys, then for each
// key an int64 element count and the raw little-endian data.
c10::IValue readLegacy(const std::string& path) {
  const std::vector<std::uint8_t> bytes = readAll(path);
  std::size_t offset = 0;
  PickleOptions header;
  header.source = path;
  header.allow_big_ints = true;
  const c10::IValue magic = unpickle(bytes.data(), bytes.size(), &offset, header);
  if (!magic.isString() || magic.toStringRef() != "0x1950a86a20f9469cfc6c") {
    throw CheckpointError(path, "not a torch.save file (no zip archive, no legacy magic number)");
  }
  const c10::IValue protocol = unpickle(bytes.data(), bytes.size(), &offset, header);
  if (!protocol.isInt() || protocol.toInt() != 1001) {
    throw CheckpointError(path, "unsupported legacy protocol version");
  }
  const c10::IValue sys_info = unpickle(bytes.data(), bytes.size(), &offset, header);
  if (sys_info.isGenericDict()) {
    auto d = sys_info.toGenericDict();
    auto it = d.find(c10::IValue("little_endian"));
    if (it != d.end() && it->value().isBool() && !it->value().toBool()) {
      throw CheckpointError(path, "big-endian files are not supported");
    }
  }

  std::map<std::string, at::Tensor> storages;  // filled after the keys list
  PickleOptions opts;
  opts.source = path;
  opts.load_storage = [&](const StorageRef& ref) {
    auto it = storages.find(ref.key);
    if (it == storages.end()) {
      // The data follows the pickles in this file: a storage larger than the file is refused
      // before it is allocated.
      const auto need = static_cast<std::size_t>(ref.numel) * c10::elementSize(ref.dtype);
      if (need > bytes.size()) {
        throw CheckpointError(path, "storage " + ref.key + " declares " +
                                        std::to_string(ref.numel) +
                                        " elements, more than the file's " +
                                        std::to_string(bytes.size()) + " bytes hold");
      }
      it = storages.emplace(ref.key, at::empty({ref.numel}, at::TensorOptions().dtype(ref.dtype))).first;
    } else if (it->second.scalar_type() != ref.dtype) {
      throw CheckpointError(path, "storage " + ref.key + " used with two dtypes");
    }
    at::Tensor root = it->second;
    if (ref.view_metadata.isTuple()) {  // (view_key, offset, view_numel)
      const auto& v = ref.view_metadata.toTupleRef().elements();
      if (v.size() != 3 || !v[1].isInt() || !v[2].isInt() || v[1].toInt() < 0 || v[2].toInt() < 0 ||
          v[1].toInt() + v[2].toInt() > root.numel()) {
        throw CheckpointError(path, "bad storage view of " + ref.key);
      }
      return root.narrow(0, v[1].toInt(), v[2].toInt());
    }
    return root;
  };
  const c10::IValue object = unpickle(bytes.data(), bytes.size(), &offset, opts);
  const c10::IValue keys = unpickle(bytes.data(), bytes.size(), &offset, header);
  if (!keys.isList()) throw CheckpointError(path, "storage key list missing");
  if (keys.toListRef().size() != storages.size()) {
    throw CheckpointError(path, "storage key list does not match the tensors");
  }
  for (const auto& k : keys.toListRef()) {
    if (!k.isString()) throw CheckpointError(path, "storage key is not a string");
    auto it = storages.find(k.toStringRef());
    if (it == storages.end()) throw CheckpointError(path, "storage " + k.toStringRef() + " is not used");
    if (bytes.size() - offset < 8) throw CheckpointError(path, "truncated before storage " + k.toStringRef());
    int64_t numel;
    std::memcpy(&numel, bytes.data() + offset, 8);
    offset += 8;
    at::Tensor& t = it->second;
    if (numel != t.numel()) {
      throw CheckpointError(path, "storage " + k.toStringRef() + " holds " + std::to_string(numel) +
                                      " elements, " + std::to_string(t.numel()) + " declared");
    }
    const std::size_t need = static_cast<std::size_t>(numel) * t.element_size();
    if (bytes.size() - offset < need) throw CheckpointError(path, "truncated in storage " + k.toStringRef());
    if (need > 0) std::memcpy(t.data_ptr(), bytes.data() + offset, need);
    offset += need;
  }
  return object;
}

}  // namespace

c10::IValue readTorchFile(const std::string& path) {
  return isZip(path) ? readZip(path) : readLegacy(path);
}

}  // namespace morphaeus
