package dev.genie.persistence.legacy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The group commit's writer: a write that fails, fails alone. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WriteQueueTest {
  @TempDir Path dir;

  @Test
  // A caller waits for its write without heeding interrupts: a lost answer must fail the test
  // from another thread, not hang it.
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aWriteThatThrowsAnErrorFailsAloneAndTheWriterGoesOn() throws Exception {
    Db db = Db.writer(dir.resolve("test.db"));
    db.exec("CREATE TABLE t (v INTEGER)");
    try (WriteQueue queue = WriteQueue.start(db)) {
      StackOverflowError overflow = new StackOverflowError("deep");
      assertThatThrownBy(
              () ->
                  queue.submit(
                      d -> {
                        d.exec("INSERT INTO t VALUES (1)");
                        throw overflow;
                      }))
          .isSameAs(overflow);

      queue.submit(
          d -> {
            d.exec("INSERT INTO t VALUES (2)");
            return null;
          });
      long[] values =
          queue.submit(
              d -> {
                PreparedStatement s = d.prepare("SELECT group_concat(v) FROM t");
                try (ResultSet rows = s.executeQuery()) {
                  rows.next();
                  return new long[] {Long.parseLong(rows.getString(1))};
                }
              });
      assertThat(values).containsExactly(2);
    }
  }
}
