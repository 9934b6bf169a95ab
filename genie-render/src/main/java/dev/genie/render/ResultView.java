package dev.genie.render;

import dev.genie.core.generate.Page;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the renderers show of one prompt: its ids, its text, its status, and the envelope once
 * completed or the error once failed.
 *
 * @param envelope present when {@code status} is completed
 * @param error present when {@code status} is failed
 */
public record ResultView(
    String promptId,
    String resultId,
    ResultStatus status,
    String prompt,
    Instant created,
    Optional<Envelope> envelope,
    Optional<String> error) {

  public ResultView {
    Objects.requireNonNull(promptId, "promptId");
    Objects.requireNonNull(resultId, "resultId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(error, "error");
    if ((status == ResultStatus.COMPLETED) != envelope.isPresent()) {
      throw new IllegalArgumentException(
          "a result has an envelope exactly when it is completed; this one is " + status);
    }
  }

  /** The view of a prompt as a store returns it. */
  public static ResultView of(StoredPrompt stored) {
    Result result = stored.result();
    return new ResultView(
        stored.prompt().id(),
        result.id(),
        result.status(),
        stored.prompt().rawText(),
        stored.prompt().createdAt(),
        result.status() == ResultStatus.COMPLETED
            ? Optional.of(Envelope.parse(result.envelope()))
            : Optional.empty(),
        Optional.ofNullable(result.error()));
  }

  /** The first page's title, else the prompt: what the page and the PDF are called. */
  public String title() {
    return envelope
        .flatMap(e -> e.pages().stream().findFirst())
        .map(Page::title)
        .filter(title -> !title.isBlank())
        .orElse(prompt);
  }
}
