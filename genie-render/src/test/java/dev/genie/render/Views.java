package dev.genie.render;

import dev.genie.core.envelope.Envelope;
import dev.genie.core.envelope.EnvelopeCodec;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Generation;
import dev.genie.core.generate.Page;
import dev.genie.persistence.ResultStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Results to render, built as the store returns them: the envelope goes through its JSON. */
final class Views {
  static final Instant CREATED = Instant.parse("2026-11-29T10:15:30Z");
  static final Instant GENERATED = Instant.parse("2026-11-29T10:15:31.250Z");

  private Views() {}

  static ResultView completed(String prompt, Generation generation) {
    String json = EnvelopeCodec.write(Envelope.of(generation, GENERATED));
    return new ResultView(
        "p-0123456789",
        "r-0123456789",
        ResultStatus.COMPLETED,
        prompt,
        CREATED,
        Optional.of(EnvelopeCodec.read(json)),
        Optional.empty());
  }

  static ResultView pending(String prompt) {
    return new ResultView(
        "p-1", "r-1", ResultStatus.PENDING, prompt, CREATED, Optional.empty(), Optional.empty());
  }

  static ResultView failed(String prompt, String error) {
    return new ResultView(
        "p-2", "r-2", ResultStatus.FAILED, prompt, CREATED, Optional.empty(), Optional.of(error));
  }

  /** {@code pages} pages of {@code blocks} blocks, each text naming its place: "page 2 block 3". */
  static Generation numbered(int pages, int blocks) {
    List<Page> list = new ArrayList<>();
    for (int p = 1; p <= pages; p++) {
      List<Block> content = new ArrayList<>();
      for (int b = 1; b <= blocks; b++) {
        content.add(Block.text("page " + p + " block " + b));
      }
      list.add(new Page("p" + p, "Title of page " + p, content));
    }
    return new Generation("test-model", list);
  }

  /** One page whose title, block and model are all {@code text}. */
  static Generation everywhere(String text) {
    return new Generation(text, List.of(new Page("p1", text, List.of(Block.text(text)))));
  }
}
