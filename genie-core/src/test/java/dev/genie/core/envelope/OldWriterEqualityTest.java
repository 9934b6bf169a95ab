package dev.genie.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Page;
import dev.genie.core.generate.Usage;
import dev.genie.core.internal.EnvelopeJson;
import java.time.Instant;
import java.util.ArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Transitional: the codec writes what the string writer wrote, for any content. */
class OldWriterEqualityTest {
  @Property(tries = 3000)
  void sameBytes(@ForAll("generations") Generation generation, @ForAll("instants") Instant at) {
    String old = EnvelopeJson.write(generation, at);
    assertThat(EnvelopeCodec.write(Envelope.of(generation, at))).isEqualTo(old);
    Envelope back = EnvelopeCodec.read(old);
    assertThat(EnvelopeCodec.write(back)).isEqualTo(old);
  }

  @Provide
  Arbitrary<Instant> instants() {
    return Arbitraries.longs()
        .between(-10_000_000_000L, 10_000_000_000L)
        .flatMap(
            s ->
                Arbitraries.integers()
                    .between(0, 999_999_999)
                    .map(n -> Instant.ofEpochSecond(s, n)));
  }

  static Arbitrary<String> texts() {
    Arbitrary<Character> interesting =
        Arbitraries.of(
            '"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u000b', '\u001f', '\u007f',
            '\u2028', '\u2029', '\ud83d', '\ude00', 'é', 'a', ' ', '/', '<', '\u0085', '\ufeff',
            '\uffff');
    Arbitrary<Character> any = Arbitraries.chars();
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, any))
        .list()
        .ofMaxSize(12)
        .map(
            cs -> {
              StringBuilder b = new StringBuilder();
              cs.forEach(b::append);
              return b.toString();
            });
  }

  @Provide
  Arbitrary<Generation> generations() {
    Arbitrary<Block> block = Combinators.combine(texts(), texts()).as(Block::new);
    Arbitrary<Page> page =
        Combinators.combine(texts(), texts(), block.list().ofMaxSize(3)).as(Page::new);
    Arbitrary<Usage> usage =
        Combinators.combine(
                Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0))
            .as(Usage::new)
            .injectNull(0.4);
    return Combinators.combine(texts(), page.list().ofMaxSize(3), usage, texts().injectNull(0.4))
        .as((m, p, u, f) -> new Generation(m, new ArrayList<>(p), u, f));
  }
}
