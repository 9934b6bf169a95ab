package dev.genie.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.generate.Generation;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** File names from titles: safe ASCII for every client, UTF-8 in {@code filename*}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PdfFileNameTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "A poem about autumn                  | a-poem-about-autumn.pdf  | A%20poem%20about%20autumn.pdf",
        "Café crème / ../etc/passwd           | cafe-creme-etc-passwd.pdf | Caf%C3%A9%20cr%C3%A8me%20..%20etc%20passwd.pdf",
        "Φθινόπωρο                            | fthinoporo.pdf           | %CE%A6%CE%B8%CE%B9%CE%BD%CF%8C%CF%80%CF%89%CF%81%CE%BF.pdf",
        "Осенняя песня — autumn               | osennyaya-pesnya-autumn.pdf | %D0%9E%D1%81%D0%B5%D0%BD%D0%BD%D1%8F%D1%8F%20%D0%BF%D0%B5%D1%81%D0%BD%D1%8F%20%E2%80%94%20autumn.pdf",
        "秋の詩                                  | genie-p0123456789.pdf    | %E7%A7%8B%E3%81%AE%E8%A9%A9.pdf",
        "'\"quoted\"; filename=evil.exe'      | quoted-filename-evil-exe.pdf | quoted%20%3B%20filename%3Devil.exe.pdf",
        "'report\u202Efdp.exe'                | report-fdp-exe.pdf       | report%20fdp.exe.pdf",
        "'...hidden'                          | hidden.pdf               | hidden.pdf",
      })
  void theNamesAreSafe(String title, String ascii, String encoded) {
    ResultView view = Views.completed("prompt", Views.everywhere(title));

    assertThat(PdfFileName.ascii(view)).isEqualTo(ascii);
    assertThat(PdfFileName.contentDisposition(view))
        .isEqualTo("attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
  }

  @org.junit.jupiter.api.Test
  void aLongTitleIsShortened() {
    String title = "word ".repeat(40);
    ResultView view =
        Views.completed("prompt", new Generation("m", Views.everywhere(title).pages()));

    assertThat(PdfFileName.ascii(view)).hasSizeLessThanOrEqualTo(64).endsWith("word.pdf");
    assertThat(PdfFileName.unicode(view).codePointCount(0, PdfFileName.unicode(view).length()))
        .isLessThanOrEqualTo(84);
  }
}
