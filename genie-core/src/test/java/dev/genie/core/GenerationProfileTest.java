package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Generation;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.core.generate.Usage;
import dev.genie.core.internal.EnvelopeJson;
import dev.genie.persistence.PromptKey;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GenerationProfileTest {

  @Test
  void theSampleProfileIsTheOneEveryPromptBeforeProfilesWasKeyedUnder() {
    assertThat(SampleGenerator.PROFILE.json()).isEqualTo(PromptKey.SAMPLE_PROFILE_JSON);
    assertThat(SampleGenerator.PROFILE.id()).isEqualTo(PromptKey.SAMPLE_PROFILE_ID);
    assertThat(new SampleGenerator(java.time.Duration.ofMillis(5)).profile())
        .isEqualTo(SampleGenerator.PROFILE);
  }

  @Test
  void canonicalJsonSortsMembersLeavesOutAbsentOnesAndWritesNumbersShortest() {
    GenerationProfile profile =
        new GenerationProfile("openai", "gpt-4o-mini", 0.70, 800, "Be \"brief\".", "text", 1);
    assertThat(profile.json())
        .isEqualTo(
            "{\"generator\":\"openai\",\"maxOutputTokens\":800,\"model\":\"gpt-4o-mini\","
                + "\"outputMode\":\"text\",\"systemPrompt\":\"Be \\\"brief\\\".\","
                + "\"temperature\":0.7,\"templateVersion\":1}");
    assertThat(new GenerationProfile("openai", "m", 1.0, null, null, "text", 1).json())
        .contains("\"temperature\":1,");
    assertThat(profile.id()).isEqualTo(PromptKey.sha256Hex(profile.json())).hasSize(64);
  }

  @Test
  void theKeyIsTakenOverTheProfileAndTheText() {
    Normalizer normalizer = new Normalizer(100);
    GenerationProfile other = GenerationProfile.of("openai", "m", "text");
    assertThat(normalizer.normalize("a poem", SampleGenerator.PROFILE).key())
        .isEqualTo(PromptKey.sha256Hex(PromptKey.SAMPLE_PROFILE_ID + "\na poem"))
        .isNotEqualTo(normalizer.normalize("a poem", other).key())
        .isNotEqualTo(PromptKey.sha256Hex("a poem"));
  }

  @Test
  void usageAndFinishReasonAreWrittenInTheMetadataAndReadBack() {
    String envelope =
        EnvelopeJson.write(
            new Generation("m", List.of(new Page("p1", "T", List.of())), new Usage(12, 34), "stop"),
            Instant.parse("2026-05-01T12:00:00Z"));
    assertThat(envelope)
        .endsWith(
            "\"metadata\":{\"model\":\"m\",\"generatedAt\":\"2026-05-01T12:00:00Z\","
                + "\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":12,"
                + "\"completionTokens\":34}}}");
    assertThat(Usage.inEnvelope(envelope)).contains(new Usage(12, 34));
    assertThat(Usage.inEnvelope(EnvelopeJson.write(new Generation("m", List.of()), Instant.EPOCH)))
        .isEmpty();
    Usage largest = new Usage(Long.MAX_VALUE, Long.MAX_VALUE);
    assertThat(
            Usage.inEnvelope(
                EnvelopeJson.write(new Generation("m", List.of(), largest, "stop"), Instant.EPOCH)))
        .contains(largest);
  }
}
