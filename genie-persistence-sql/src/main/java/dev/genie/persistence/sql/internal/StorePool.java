package dev.genie.persistence.sql.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.genie.persistence.sql.SqlPromptStore;
import java.util.function.Function;

/**
 * The pool under a {@link SqlPromptStore}, for tests that cut a store off its database or read its
 * sessions' settings, and for its meters; the store itself offers no way to it.
 */
public final class StorePool {
  private static volatile Function<SqlPromptStore, HikariDataSource> lookup;

  private StorePool() {}

  /** Called once, by the store's class as it loads. */
  public static void install(Function<SqlPromptStore, HikariDataSource> storesPool) {
    if (lookup != null) {
      throw new IllegalStateException("the store's pool is looked up one way only; this is a bug");
    }
    lookup = storesPool;
  }

  /** The pool {@code store} borrows its connections from. */
  public static HikariDataSource of(SqlPromptStore store) {
    return lookup.apply(store);
  }
}
