// The component registry: lookup by canonical name and alias, typed factories.
#include <gtest/gtest.h>

#include <functional>

#include "core/config/yaml_loader.h"
#include "core/registry/registry.h"

namespace morphaeus {
namespace {

using IntFactory = std::function<int(const ConfigNode&)>;

Registry make() {
  Registry r;
  ComponentSpec s;
  s.kind = ComponentKind::Loss;
  s.name = {"optim.losses.ln_losses", "L2"};
  s.aliases = {{"losses", "MSE"}};
  r.add(std::move(s));
  r.setFactory<IntFactory>(ComponentKind::Loss, "losses", "MSE",
                           [](const ConfigNode&) { return 42; });
  return r;
}

TEST(Registry, FindsByNameAndAliasButNotAcrossKinds) {
  Registry r = make();
  const ComponentSpec* a = r.find(ComponentKind::Loss, "optim.losses.ln_losses", "L2");
  const ComponentSpec* b = r.find(ComponentKind::Loss, "losses", "MSE");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, b);
  EXPECT_EQ(r.find(ComponentKind::Model, "optim.losses.ln_losses", "L2"), nullptr);
  EXPECT_EQ(r.list(ComponentKind::Loss).size(), 1u);
}

TEST(Registry, TypedFactory) {
  Registry r = make();
  const ComponentSpec& spec = *r.find(ComponentKind::Loss, "optim.losses.ln_losses", "L2");
  const IntFactory* f = r.factory<IntFactory>(spec);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ((*f)(ConfigNode()), 42);
  EXPECT_EQ(r.factory<std::function<double()>>(spec), nullptr);  // wrong type: no factory
  EXPECT_THROW(r.setFactory<IntFactory>(ComponentKind::Loss, "x", "Y", *f), std::logic_error);
}

TEST(Registry, ResolveUnknownListsRegistered) {
  Registry r = make();
  ConfigNode node = loadYamlString("module_name: optim.losses.ln_losses\nclass_name: L3\n", "r.yaml");
  try {
    r.resolve(ComponentKind::Loss, node);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "r.yaml:1:1: unknown loss \"optim.losses.ln_losses/L3\"; did you mean "
              "\"optim.losses.ln_losses/L2\"? (registered: optim.losses.ln_losses/L2, losses/MSE)");
  }
}

TEST(Registry, AddingTheSameNameReplaces) {
  Registry r = make();
  ComponentSpec s;
  s.kind = ComponentKind::Loss;
  s.name = {"optim.losses.ln_losses", "L2"};
  s.summary = "replaced";
  r.add(std::move(s));
  EXPECT_EQ(r.list(ComponentKind::Loss).size(), 1u);
  EXPECT_EQ(r.list(ComponentKind::Loss)[0]->summary, "replaced");
}

}  // namespace
}  // namespace morphaeus
