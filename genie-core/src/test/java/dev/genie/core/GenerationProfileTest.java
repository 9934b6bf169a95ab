package dev.genie.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.persistence.PromptKey;
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
}
