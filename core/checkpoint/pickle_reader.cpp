#include "core/checkpoint/pickle_reader.h"

#include <ATen/ATen.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/checkpoint/checkpoint_error.h"

namespace morphaeus {
namespace {

// What the unpickler's stack holds besides plain values.
struct Item {
  enum class Kind { Value, Mark, Global } kind = Kind::Value;
  c10::IValue value;
  std::string global;  // "module.name" for Kind::Global
};

const std::string kGlobalMark = "\x01global:";

c10::ScalarType storageDtype(const std::string& name) {
  static const std::unordered_map<std::string, c10::ScalarType> kTypes = {
      {"torch.FloatStorage", c10::kFloat}, {"torch.DoubleStorage", c10::kDouble},
      {"torch.HalfStorage", c10::kHalf},   {"torch.BFloat16Storage", c10::kBFloat16},
      {"torch.LongStorage", c10::kLong},   {"torch.IntStorage", c10::kInt},
      {"torch.ShortStorage", c10::kShort}, {"torch.CharStorage", c10::kChar},
      {"torch.ByteStorage", c10::kByte},   {"torch.BoolStorage", c10::kBool}};
  auto it = kTypes.find(name);
  return it == kTypes.end() ? c10::ScalarType::Undefined : it->second;
}

c10::impl::GenericDict newDict() {
  return c10::impl::GenericDict(c10::AnyType::get(), c10::AnyType::get());
}
c10::impl::GenericList newList() {
  return c10::impl::GenericList(c10::AnyType::get());
}

class Unpickler {
 public:
  Unpickler(const std::uint8_t* data, std::size_t size, std::size_t offset, const PickleOptions& o)
      : data_(data), size_(size), pos_(offset), opts_(o) {}

  c10::IValue run();
  std::size_t position() const { return pos_; }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw CheckpointError(opts_.source,
                          "pickle offset " + std::to_string(op_pos_) + ": " + message);
  }
  const std::uint8_t* take(std::size_t n) {
    if (n > size_ - pos_) fail("truncated data (needs " + std::to_string(n) + " more bytes)");
    const std::uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  template <typename T>
  T readLE() {
    const std::uint8_t* p = take(sizeof(T));
    T v;
    std::memcpy(&v, p, sizeof(T));  // the pickle format is little-endian, like our targets
    return v;
  }
  std::string readString(std::size_t n) {
    const std::uint8_t* p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  std::string readLine() {
    std::string s;
    while (true) {
      const char c = static_cast<char>(*take(1));
      if (c == '\n') return s;
      s.push_back(c);
      if (s.size() > 4096) fail("text argument too long");
    }
  }

  Item pop() {
    if (stack_.empty()) fail("stack underflow");
    Item it = std::move(stack_.back());
    stack_.pop_back();
    if (it.kind == Item::Kind::Mark) fail("unexpected MARK");
    return it;
  }
  // Globals inside values (the storage class in a persistent id) become marked strings.
  static c10::IValue asValue(const Item& it) {
    return it.kind == Item::Kind::Global ? c10::IValue(kGlobalMark + it.global) : it.value;
  }
  c10::IValue popValue() { return asValue(pop()); }
  Item& top() {
    if (stack_.empty() || stack_.back().kind == Item::Kind::Mark) fail("stack underflow");
    return stack_.back();
  }
  std::vector<c10::IValue> popToMark() {
    if (marks_.empty()) fail("no MARK");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    if (m > stack_.size() || stack_[m].kind != Item::Kind::Mark) fail("corrupt MARK");
    std::vector<c10::IValue> out;
    for (std::size_t i = m + 1; i < stack_.size(); ++i) out.push_back(asValue(stack_[i]));
    stack_.resize(m);
    return out;
  }
  void push(c10::IValue v) { stack_.push_back(Item{Item::Kind::Value, std::move(v), {}}); }
  void memoPut(std::size_t index) { memo_[index] = top(); }
  void memoGet(std::size_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo index " + std::to_string(index) + " not set");
    stack_.push_back(it->second);
  }

  void setItems(c10::IValue& target, const std::vector<c10::IValue>& kv);
  void appendItems(c10::IValue& target, const std::vector<c10::IValue>& items);
  c10::IValue reduce(const std::string& global, const c10::IValue& args);
  c10::IValue persistentLoad(const c10::IValue& pid);
  c10::IValue rebuildTensor(const std::vector<c10::IValue>& args);
  int64_t readLong1();
  c10::IValue readLong1Value();

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_;
  std::size_t op_pos_ = 0;
  const PickleOptions& opts_;
  std::vector<Item> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::size_t, Item> memo_;
};

void Unpickler::setItems(c10::IValue& target, const std::vector<c10::IValue>& kv) {
  if (!target.isGenericDict()) fail("SETITEM(S) on a non-dict");
  if (kv.size() % 2 != 0) fail("odd number of items for SETITEMS");
  auto dict = target.toGenericDict();
  for (std::size_t i = 0; i < kv.size(); i += 2) {
    const auto& k = kv[i];
    // The key types LibTorch can hash (1.13 throws a plain runtime_error on a tuple key; no
    // checkpoint has one).
    if (!k.isString() && !k.isInt() && !k.isBool() && !k.isDouble()) {
      fail("unsupported dict key type " + k.tagKind());
    }
    dict.insert_or_assign(k, kv[i + 1]);
  }
}

void Unpickler::appendItems(c10::IValue& target, const std::vector<c10::IValue>& items) {
  if (!target.isList()) fail("APPEND(S) on a non-list");
  auto list = target.toList();
  for (const auto& v : items) list.push_back(v);
}

c10::IValue Unpickler::rebuildTensor(const std::vector<c10::IValue>& a) {
  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata])
  if (a.size() < 4 || !a[0].isTensor() || !a[1].isInt() || !a[2].isTuple() || !a[3].isTuple()) {
    fail("malformed _rebuild_tensor_v2 arguments");
  }
  const at::Tensor storage = a[0].toTensor();
  const int64_t offset = a[1].toInt();
  std::vector<int64_t> sizes, strides;
  for (const auto& v : a[2].toTupleRef().elements()) {
    if (!v.isInt() || v.toInt() < 0) fail("bad tensor size");
    sizes.push_back(v.toInt());
  }
  for (const auto& v : a[3].toTupleRef().elements()) {
    if (!v.isInt() || v.toInt() < 0) fail("bad tensor stride");
    strides.push_back(v.toInt());
  }
  if (sizes.size() != strides.size()) fail("tensor size and stride ranks differ");
  if (sizes.size() > 64) fail("tensor with " + std::to_string(sizes.size()) + " dimensions");
  // The element count is bounded like a storage's (a zero stride repeats one element without
  // limit), and the largest element index must lie inside the storage; every sum and product is
  // checked against those bounds before it is formed, so none can overflow.
  constexpr int64_t kMaxElements = int64_t(1) << 36;
  const int64_t available = storage.numel();
  if (offset < 0 || offset > available) {
    fail("tensor storage offset " + std::to_string(offset) + " outside its storage (" +
         std::to_string(available) + " elements)");
  }
  int64_t numel = 1, last = offset;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) {
      numel = 0;
      break;
    }
    if (sizes[i] > kMaxElements / numel) fail("implausible tensor size");
    numel *= sizes[i];
    if (strides[i] > 0 && sizes[i] - 1 > (available - last) / strides[i]) {
      fail("tensor view exceeds its storage (" + std::to_string(available) + " elements)");
    }
    last += (sizes[i] - 1) * strides[i];
  }
  if (numel > 0 && last >= available) {
    fail("tensor view exceeds its storage (" + std::to_string(available) + " elements)");
  }
  return storage.as_strided(sizes, strides, offset);
}

c10::IValue Unpickler::reduce(const std::string& global, const c10::IValue& args) {
  if (!args.isTuple()) fail("REDUCE arguments must be a tuple");
  const auto& a = args.toTupleRef().elements();
  if (global == "collections.OrderedDict") {
    if (!a.empty()) fail("OrderedDict with constructor arguments");
    return newDict();
  }
  if (global == "torch._utils._rebuild_tensor_v2") {
    return rebuildTensor(std::vector<c10::IValue>(a.begin(), a.end()));
  }
  // torch::pickle_save (LibTorch) tags typed containers; the value is the first argument.
  if (global == "torch.jit._pickle.restore_type_tag" ||
      global == "torch.jit._pickle.build_intlist" ||
      global == "torch.jit._pickle.build_doublelist" ||
      global == "torch.jit._pickle.build_boollist" ||
      global == "torch.jit._pickle.build_tensorlist" ||
      global == "torch.jit._pickle.build_genericlist") {
    if (a.empty()) fail("malformed " + global + " arguments");
    return a[0];
  }
  if (global == "torch._utils._rebuild_parameter" ||
      global == "torch._utils._rebuild_parameter_with_state") {
    if (a.empty() || !a[0].isTensor()) fail("malformed _rebuild_parameter arguments");
    return a[0];
  }
  fail("unsupported global \"" + global + "\" (only tensors, dicts, lists and scalars are read)");
}

c10::IValue Unpickler::persistentLoad(const c10::IValue& pid) {
  if (!pid.isTuple()) fail("persistent id is not a tuple");
  const auto& t = pid.toTupleRef().elements();
  if (t.size() < 5 || !t[0].isString() || t[0].toStringRef() != "storage" || !t[2].isString() ||
      !t[4].isInt()) {
    fail("unsupported persistent id");
  }
  const std::string& type = t[1].isString() ? t[1].toStringRef() : std::string();
  if (type.rfind(kGlobalMark, 0) != 0) fail("storage type is not a torch storage class");
  StorageRef ref;
  ref.dtype = storageDtype(type.substr(kGlobalMark.size()));
  if (ref.dtype == c10::ScalarType::Undefined)
    fail("unsupported storage type " + type.substr(kGlobalMark.size()));
  ref.key = t[2].toStringRef();
  ref.numel = t[4].toInt();
  if (ref.numel < 0 || ref.numel > (int64_t(1) << 36)) fail("implausible storage size");
  if (t.size() > 5) ref.view_metadata = t[5];
  if (!opts_.load_storage) fail("tensor data outside an archive");
  at::Tensor storage = opts_.load_storage(ref);
  if (storage.numel() < ref.numel) fail("storage " + ref.key + " is shorter than declared");
  return storage;
}

int64_t Unpickler::readLong1() {
  const std::uint8_t n = *take(1);
  if (n > 8) fail("integer wider than 64 bits");
  const std::uint8_t* p = take(n);
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  if (n > 0 && n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);  // sign-extend
  return static_cast<int64_t>(v);
}

c10::IValue Unpickler::readLong1Value() {
  const std::uint8_t n = data_[pos_ < size_ ? pos_ : 0];
  if (n <= 8 || !opts_.allow_big_ints) return readLong1();
  take(1);
  const std::uint8_t* p = take(n);
  static const char* kHex = "0123456789abcdef";
  std::string hex = "0x";
  for (int i = n - 1; i >= 0; --i) {
    hex.push_back(kHex[p[i] >> 4]);
    hex.push_back(kHex[p[i] & 15]);
  }
  return hex;
}

// The opcodes this reader knows, named as Python's pickle module names them (protocol 2-5; what
// torch.save writes).
enum class Op : std::uint8_t {
  Proto = 0x80,
  Frame = 0x95,
  Stop = '.',
  Mark = '(',
  Pop = '0',
  PopMark = '1',
  Dup = '2',
  None = 'N',
  NewTrue = 0x88,
  NewFalse = 0x89,
  BinInt = 'J',
  BinInt1 = 'K',
  BinInt2 = 'M',
  Long1 = 0x8a,
  BinFloat = 'G',
  BinUnicode = 'X',
  ShortBinUnicode = 0x8c,
  BinUnicode8 = 0x8d,
  BinString = 'T',
  ShortBinString = 'U',
  BinBytes = 'B',
  ShortBinBytes = 'C',
  EmptyDict = '}',
  EmptyList = ']',
  EmptyTuple = ')',
  Dict = 'd',
  List = 'l',
  Tuple = 't',
  Tuple1 = 0x85,
  Tuple2 = 0x86,
  Tuple3 = 0x87,
  Append = 'a',
  Appends = 'e',
  SetItem = 's',
  SetItems = 'u',
  Global = 'c',
  StackGlobal = 0x93,
  Reduce = 'R',
  Build = 'b',
  NewObj = 0x81,
  BinPersId = 'Q',
  BinPut = 'q',
  LongBinPut = 'r',
  Memoize = 0x94,
  BinGet = 'h',
  LongBinGet = 'j',
};

c10::IValue Unpickler::run() {
  while (true) {
    op_pos_ = pos_;
    const std::uint8_t op = *take(1);
    switch (static_cast<Op>(op)) {
      case Op::Proto:
        take(1);
        break;
      case Op::Frame:
        take(8);
        break;
      case Op::Stop: {
        c10::IValue result = popValue();
        if (!stack_.empty()) fail("values left on the stack at STOP");
        return result;
      }
      case Op::Mark:
        marks_.push_back(stack_.size());
        stack_.push_back(Item{Item::Kind::Mark, {}, {}});
        break;
      case Op::Pop:
        pop();
        break;
      case Op::PopMark:
        popToMark();
        break;
      case Op::Dup:
        stack_.push_back(top());
        break;
      case Op::None:
        push(c10::IValue());
        break;
      case Op::NewTrue:
        push(true);
        break;
      case Op::NewFalse:
        push(false);
        break;
      case Op::BinInt:
        push(static_cast<int64_t>(readLE<int32_t>()));
        break;
      case Op::BinInt1:
        push(static_cast<int64_t>(readLE<uint8_t>()));
        break;
      case Op::BinInt2:
        push(static_cast<int64_t>(readLE<uint16_t>()));
        break;
      case Op::Long1:
        push(readLong1Value());
        break;
      case Op::BinFloat: {  // big-endian double
        const std::uint8_t* p = take(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
        double d;
        std::memcpy(&d, &bits, 8);
        push(d);
        break;
      }
      case Op::BinUnicode:
        push(readString(readLE<uint32_t>()));
        break;
      case Op::ShortBinUnicode:
        push(readString(readLE<uint8_t>()));
        break;
      case Op::BinUnicode8: {
        const uint64_t n = readLE<uint64_t>();
        if (n > size_) fail("string longer than the file");
        push(readString(static_cast<std::size_t>(n)));
        break;
      }
      case Op::BinString: {  // signed length
        const int32_t n = readLE<int32_t>();
        if (n < 0) fail("negative string length");
        push(readString(static_cast<std::size_t>(n)));
        break;
      }
      case Op::ShortBinString:
        push(readString(readLE<uint8_t>()));
        break;
      case Op::BinBytes:
        push(readString(readLE<uint32_t>()));
        break;
      case Op::ShortBinBytes:
        push(readString(readLE<uint8_t>()));
        break;
      case Op::EmptyDict:
        push(newDict());
        break;
      case Op::EmptyList:
        push(newList());
        break;
      case Op::EmptyTuple:
        push(c10::ivalue::Tuple::create(std::vector<c10::IValue>{}));
        break;
      case Op::Dict: {
        c10::IValue d = newDict();
        setItems(d, popToMark());
        push(d);
        break;
      }
      case Op::List: {  // the items since MARK
        c10::IValue l = newList();
        appendItems(l, popToMark());
        push(l);
        break;
      }
      case Op::Tuple:
        push(c10::ivalue::Tuple::create(popToMark()));
        break;
      case Op::Tuple1: {
        auto a = popValue();
        push(c10::ivalue::Tuple::create(std::vector<c10::IValue>{a}));
        break;
      }
      case Op::Tuple2: {
        auto b = popValue(), a = popValue();
        push(c10::ivalue::Tuple::create(std::vector<c10::IValue>{a, b}));
        break;
      }
      case Op::Tuple3: {
        auto c = popValue(), b = popValue(), a = popValue();
        push(c10::ivalue::Tuple::create(std::vector<c10::IValue>{a, b, c}));
        break;
      }
      case Op::Append: {
        auto v = popValue();
        Item& t = top();
        appendItems(t.value, {v});
        break;
      }
      case Op::Appends: {
        auto items = popToMark();
        appendItems(top().value, items);
        break;
      }
      case Op::SetItem: {
        auto v = popValue(), k = popValue();
        setItems(top().value, {k, v});
        break;
      }
      case Op::SetItems: {
        auto kv = popToMark();
        setItems(top().value, kv);
        break;
      }
      case Op::Global: {  // "module\nname\n"
        std::string module = readLine();
        std::string name = readLine();
        stack_.push_back(Item{Item::Kind::Global, {}, module + "." + name});
        break;
      }
      case Op::StackGlobal: {
        auto name = popValue(), module = popValue();
        if (!name.isString() || !module.isString()) fail("STACK_GLOBAL needs two strings");
        stack_.push_back(
            Item{Item::Kind::Global, {}, module.toStringRef() + "." + name.toStringRef()});
        break;
      }
      case Op::Reduce: {
        auto args = popValue();
        Item callable = pop();
        if (callable.kind != Item::Kind::Global) fail("REDUCE on a non-global");
        push(reduce(callable.global, args));
        break;
      }
      case Op::Build: {  // only OrderedDict attributes (state_dict's _metadata), ignored
        auto state = popValue();
        Item& t = top();
        if (!t.value.isGenericDict()) fail("BUILD on an unsupported object");
        (void)state;
        break;
      }
      case Op::NewObj: {  // cls.__new__(cls, *args) -- arbitrary objects are refused
        popValue();
        Item cls = pop();
        fail("unsupported global \"" + (cls.kind == Item::Kind::Global ? cls.global : "?") +
             "\" (object construction is not read)");
      }
      case Op::BinPersId: {
        auto pid = popValue();
        push(persistentLoad(pid));
        break;
      }
      case Op::BinPut:
        memoPut(readLE<uint8_t>());
        break;
      case Op::LongBinPut:
        memoPut(readLE<uint32_t>());
        break;
      case Op::Memoize:
        memoPut(memo_.size());
        break;
      case Op::BinGet:
        memoGet(readLE<uint8_t>());
        break;
      case Op::LongBinGet:
        memoGet(readLE<uint32_t>());
        break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        fail(std::string("unsupported pickle opcode ") + hex);
      }
    }
  }
}

}  // namespace

c10::IValue unpickle(const std::uint8_t* data, std::size_t size, std::size_t* offset,
                     const PickleOptions& options) {
  Unpickler u(data, size, *offset, options);
  c10::IValue v = u.run();
  *offset = u.position();
  return v;
}

}  // namespace morphaeus
