package dev.genie.render.internal;

import dev.genie.core.envelope.Envelope;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Page;
import dev.genie.persistence.ResultStatus;
import dev.genie.render.ResultView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the result template reads: every text from a user or a model passes {@link XmlText#clean}
 * here and is escaped by the template.
 */
public record ResultModel(
    String title,
    String prompt,
    String promptId,
    String resultId,
    String status,
    String created,
    boolean pending,
    boolean failed,
    boolean completed,
    String error,
    String model,
    String generatedAt,
    int pageCount,
    List<PageModel> pages) {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** One page of the envelope, numbered from 1. */
  public record PageModel(int number, String title, List<BlockModel> blocks) {}

  /** One block; {@code type} names its CSS class ({@code block-text}). */
  public record BlockModel(String type, String content) {}

  public static ResultModel of(ResultView view) {
    List<PageModel> pages = new ArrayList<>();
    String model = "";
    String generatedAt = "";
    if (view.envelope().isPresent()) {
      Envelope envelope = view.envelope().get();
      model = XmlText.clean(envelope.model());
      generatedAt = time(envelope.generatedAt());
      int number = 1;
      for (Page page : envelope.pages()) {
        List<BlockModel> blocks = new ArrayList<>();
        for (Block block : page.blocks()) {
          blocks.add(new BlockModel(cssName(block.type()), XmlText.clean(block.content())));
        }
        pages.add(new PageModel(number++, XmlText.clean(page.title()), blocks));
      }
    }
    return new ResultModel(
        XmlText.clean(view.title()),
        XmlText.clean(view.prompt()),
        view.promptId(),
        view.resultId(),
        view.status().wireName(),
        time(view.created()),
        view.status() == ResultStatus.PENDING,
        view.status() == ResultStatus.FAILED,
        view.status() == ResultStatus.COMPLETED,
        XmlText.clean(view.error().orElse("")),
        model,
        generatedAt,
        pages.size(),
        pages);
  }

  /**
   * {@code 2026-11-29 10:15:30 UTC}: the one form of a time on the preview, in the PDF and on the
   * web page (app.js writes the same), in UTC since a rendering does not know its reader's zone.
   */
  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** A block type as a class name: letters, digits and dashes only, else "other". */
  private static String cssName(String type) {
    return type.matches("[a-z][a-z0-9-]{0,31}") ? type : "other";
  }
}
