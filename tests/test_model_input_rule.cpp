// What a model needs of its images (core/config/model_input_rule.h), as each model's
// registration writes it from its params, checked against the model itself: the autoencoder's
// side multiple is the product of all its strides (with one stride more than channel entries
// the encoder has a block more), the sides its reconstruction keeps, and
// MorphAEus takes its inshape, which its strides must reduce to one pixel; the VAE's input_size,
// the beta-VAE's fixed 128x128 and the Soft-Intro VAE's image_size are its image size, with the
// key that says it. The rules point into the params, where the cross-checks report.
#include <gtest/gtest.h>

#include <string>

#include "core/config/model_input_rule.h"
#include "core/config/yaml_loader.h"
#include "core/registry/model_factory.h"
#include "core/registry/registry.h"
#include "models/reconstruction.h"

namespace morphaeus {
namespace {

ConfigNode modelBlock(const std::string& text) {
  return loadYamlString(text, "model.yaml");
}

// An autoencoder of the convolutional family (ConvAutoEncoder, DenseConvAutoEncoderBaur).
ConfigNode autoencoderBlock(const std::string& class_name, const std::string& channels,
                            const std::string& strides) {
  return modelBlock("module_name: model_zoo.convolutional_autoencoders\nclass_name: " + class_name +
                    "\nparams: {in_channels: 1, channels: " + channels + ", strides: " + strides +
                    ", out_ch: 1}\n");
}

ModelInputRule ruleOf(const ConfigNode& model) {
  const ComponentSpec& spec = Registry::global().resolve(ComponentKind::Model, model);
  const ModelComponent* component = Registry::global().factory<ModelComponent>(spec);
  EXPECT_NE(component, nullptr);
  EXPECT_TRUE(component->input_rule);
  return component->input_rule(model.at("params"));
}

// The reconstruction's spatial size of a side x side image, or -1 where the model refuses it.
std::int64_t reconstructedSide(const ConfigNode& model, std::int64_t side) {
  auto m = buildModel(model);
  m->eval();
  torch::NoGradGuard no_grad;
  try {
    const torch::Tensor rec = reconstruct(*m, torch::rand({1, 1, side, side}));
    return rec.size(2) == rec.size(3) ? rec.size(2) : -1;
  } catch (const c10::Error&) {
    return -1;
  }
}

TEST(ModelInputRule, TheAutoencodersSideMultipleIsWhatItsReconstructionKeeps) {
  // Upstream's 4 strides for 3 channel entries: 4 blocks, so the sides are multiples of 16.
  const ConfigNode model = autoencoderBlock("ConvAutoEncoder", "[4, 8, 8]", "[2, 2, 2, 2]");
  const ModelInputRule r = ruleOf(model);
  EXPECT_EQ(r.side_multiple, 16);
  ASSERT_NE(r.side_multiple_key, nullptr);
  EXPECT_EQ(r.side_multiple_key->path(), "params.strides");
  ASSERT_NE(r.in_channels, nullptr);
  EXPECT_EQ(r.in_channels->asInt(), 1);
  ASSERT_EQ(r.out_channels.size(), 1u);
  EXPECT_EQ(r.out_channels[0].first, "out_ch");
  EXPECT_FALSE(r.image_size.has_value());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(reconstructedSide(model, 32), 32);
  EXPECT_EQ(reconstructedSide(model, 48), 48);
  EXPECT_NE(reconstructedSide(model, 24), 24);  // a multiple of 8, not of 16: not kept
  // One stride per channel entry: 3 blocks, multiples of 8.
  const ConfigNode three = autoencoderBlock("ConvAutoEncoder", "[4, 8, 8]", "[2, 2, 2]");
  EXPECT_EQ(ruleOf(three).side_multiple, 8);
  EXPECT_EQ(reconstructedSide(three, 24), 24);
  EXPECT_NE(reconstructedSide(three, 28), 28);
}

TEST(ModelInputRule, TheDenseAutoencodersBottleneckTakes64Pixels) {
  const ConfigNode model = autoencoderBlock("DenseConvAutoEncoderBaur", "[4, 8]", "[2, 2, 2]");
  const ModelInputRule r = ruleOf(model);
  EXPECT_EQ(r.side_multiple, 8);
  EXPECT_EQ(r.reduced_pixels, 64);
  EXPECT_NE(r.reduced_pixels_reason.find("64x64"), std::string::npos) << r.reduced_pixels_reason;
  EXPECT_EQ(reconstructedSide(model, 64), 64);  // 8x8 after the encoder
  EXPECT_EQ(reconstructedSide(model, 32), -1);  // 4x4: the model refuses it
  EXPECT_EQ(reconstructedSide(model, 128), -1);
}

TEST(ModelInputRule, MorphAEusTakesItsInshapeAndOneStridePerBlock) {
  const std::string head =
      "module_name: model_zoo.morphaeus\nclass_name: MorphAEus\n"
      "params: {inshape: [16, 16], in_channels: 1, out_ch: 1, channels: [4, 8, 8, 8], ";
  const ConfigNode model = modelBlock(head + "strides: [2, 2, 2, 2]}\n");
  const ModelInputRule r = ruleOf(model);
  ASSERT_TRUE(r.image_size.has_value());
  EXPECT_EQ(*r.image_size, (std::pair<std::int64_t, std::int64_t>{16, 16}));
  EXPECT_EQ(r.image_size_key->path(), "params.inshape");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(reconstructedSide(model, 16), 16);
  const ConfigNode three = modelBlock(head + "strides: [2, 2, 2]}\n");
  const ModelInputRule bad = ruleOf(three);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_NE(std::string(bad.errors[0].what()).find("3 strides for 4 blocks"), std::string::npos)
      << bad.errors[0].what();
}

TEST(ModelInputRule, TheVariationalModelsNameTheirImageSize) {
  // The rules point into the params: the nodes stay alive while they are read.
  const ConfigNode vae_block = modelBlock(
      "module_name: model_zoo.vae_hahn\nclass_name: VAE\nparams: {input_size: [1, 32, 48]}\n");
  const ModelInputRule vae = ruleOf(vae_block);
  EXPECT_EQ(*vae.image_size, (std::pair<std::int64_t, std::int64_t>{32, 48}));
  EXPECT_EQ(vae.image_size_key->path(), "params.input_size");
  EXPECT_EQ(vae.in_channels->asInt(), 1);
  const ConfigNode beta_block = modelBlock(
      "module_name: model_zoo.beta_vae_higgings\nclass_name: BetaVAE_H\nparams: {nc: 1}\n");
  const ModelInputRule beta = ruleOf(beta_block);
  EXPECT_EQ(*beta.image_size, (std::pair<std::int64_t, std::int64_t>{128, 128}));
  EXPECT_EQ(beta.image_size_key->path(), "params");
  const ConfigNode si_block = modelBlock(
      "module_name: model_zoo.soft_intro_vae_daniel\nclass_name: SoftIntroVAE\n"
      "params: {cdim: 1, image_size: 64}\n");
  const ModelInputRule si = ruleOf(si_block);
  EXPECT_EQ(*si.image_size, (std::pair<std::int64_t, std::int64_t>{64, 64}));
  EXPECT_EQ(si.image_size_key->path(), "params.image_size");
  EXPECT_EQ(si.in_channels->path(), "params.cdim");
}

}  // namespace
}  // namespace morphaeus
