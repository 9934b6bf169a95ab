package dev.genie.http.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The environment keys of one settings record, one row each, in the order they are read. A row with
 * a setter sets its value on the record's builder; one without is read by the code that builds the
 * record. The same rows name the settings in messages ({@link SettingNames}) and are held against
 * docs/configuration.md by a test.
 *
 * @param <B> the record's builder, or {@link Void} for a record built from its keys directly
 */
final class KeyTable<B> {
  private final Class<? extends Record> record;
  private final List<Row<B, ?>> rows;

  private record Row<B, T>(Key<T> key, BiConsumer<B, T> setter) {
    void apply(Env env, B builder) {
      if (setter != null) {
        key.read(env).ifPresent(value -> setter.accept(builder, value));
      }
    }
  }

  private KeyTable(Class<? extends Record> record, List<Row<B, ?>> rows) {
    this.record = record;
    this.rows = List.copyOf(rows);
  }

  /** An empty table for {@code record}'s keys. */
  static <B> KeyTable<B> of(Class<? extends Record> record) {
    return new KeyTable<>(record, List.of());
  }

  /** This table and a row that sets {@code key}'s value, when it is set, with {@code setter}. */
  <T> KeyTable<B> with(Key<T> key, BiConsumer<B, T> setter) {
    List<Row<B, ?>> more = new ArrayList<>(rows);
    more.add(new Row<>(key, setter));
    return new KeyTable<>(record, more);
  }

  /** This table and rows for keys the code that builds the record reads itself. */
  KeyTable<B> withKeys(Key<?>... keys) {
    KeyTable<B> table = this;
    for (Key<?> key : keys) {
      table = table.with(key, null);
    }
    return table;
  }

  /** {@code builder} with the value of every key that is set and has a setter. */
  B apply(Env env, B builder) {
    rows.forEach(row -> row.apply(env, builder));
    return builder;
  }

  Class<? extends Record> record() {
    return record;
  }

  List<Key<?>> keys() {
    return rows.stream().<Key<?>>map(Row::key).toList();
  }
}
