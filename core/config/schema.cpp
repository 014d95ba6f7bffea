#include "core/config/schema.h"

#include <sstream>

namespace morphaeus {

std::string Field::defaultText() const {
  std::ostringstream out;
  if (const auto* b = std::get_if<bool>(&fallback)) out << (*b ? "true" : "false");
  if (const auto* i = std::get_if<std::int64_t>(&fallback)) out << *i;
  if (const auto* d = std::get_if<double>(&fallback)) out << *d;
  if (const auto* s = std::get_if<std::string>(&fallback)) out << *s;
  return out.str();
}

std::string Field::text() const {
  if (!hasDefault()) return doc;
  return doc + (doc.empty() ? "default " : "; default ") + defaultText();
}

std::string Field::rangeText() const {
  if (!min && !max) return "";
  const auto number = [](double x) {
    std::string s = std::to_string(x);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  std::string range = max ? "between " : min_exclusive ? "greater than " : "at least ";
  range += min ? number(*min) : "-inf";
  if (max) range += " and " + number(*max);
  return range;
}

Field& Field::setDefault(FieldDefault v) {
  fallback = std::move(v);
  return *this;
}

std::string kindName(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::Configurator:
      return "configurator";
    case ComponentKind::Model:
      return "model";
    case ComponentKind::Trainer:
      return "trainer";
    case ComponentKind::Loss:
      return "loss";
    case ComponentKind::DataLoader:
      return "data loader";
    case ComponentKind::Dataset:
      return "dataset";
    case ComponentKind::Evaluator:
      return "evaluator";
    case ComponentKind::Transform:
      return "transform";
  }
  return "component";
}

Field& Schema::add(const std::string& name, ValueType type) {
  for (auto& f : fields_) {
    if (f.name == name) {
      f = Field{};
      f.name = name;
      f.type = type;
      return f;
    }
  }
  Field f;
  f.name = name;
  f.type = type;
  fields_.push_back(std::move(f));
  return fields_.back();
}

Field& Schema::enumeration(const std::string& name, std::vector<std::string> choices) {
  Field& f = add(name, ValueType::Enum);
  f.choices = std::move(choices);
  return f;
}

Field& Schema::list(const std::string& name, ValueType elementType) {
  return listOf(name, element(elementType));
}

Field& Schema::listOf(const std::string& name, Field elementField) {
  Field& f = add(name, ValueType::List);
  f.element = std::make_shared<Field>(std::move(elementField));
  return f;
}

Field& Schema::map(const std::string& name, Schema schema) {
  Field& f = add(name, ValueType::Map);
  f.schema = std::make_shared<Schema>(std::move(schema));
  return f;
}

Field& Schema::dict(const std::string& name, Field elementField) {
  Field& f = add(name, ValueType::Dict);
  f.element = std::make_shared<Field>(std::move(elementField));
  return f;
}

Field& Schema::component(const std::string& name, ComponentKind kind, Schema siblings) {
  Field& f = add(name, ValueType::Component);
  f.kind = kind;
  f.schema = std::make_shared<Schema>(std::move(siblings));
  return f;
}

Schema& Schema::append(const Schema& other) {
  for (const Field& f : other.fields_) add(f.name, f.type) = f;
  return *this;
}

Schema& Schema::ignoringAll(const std::string& why) {
  for (Field& f : fields_) f.ignore(why);
  return *this;
}

const Field* Schema::find(const std::string& name) const {
  for (const auto& f : fields_)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  for (const auto& f : fields_) out.push_back(f.name);
  return out;
}

Field element(ValueType type) {
  Field f;
  f.type = type;
  return f;
}

Field mapElement(Schema schema) {
  Field f = element(ValueType::Map);
  f.schema = std::make_shared<Schema>(std::move(schema));
  return f;
}

Field listElement(ValueType inner) {
  Field f = element(ValueType::List);
  f.element = std::make_shared<Field>(element(inner));
  return f;
}

}  // namespace morphaeus
