package dev.genie.it.support;

import com.zaxxer.hikari.HikariDataSource;
import dev.genie.persistence.sql.internal.CurrentSchema;
import dev.genie.persistence.sql.internal.Schema;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** A test database brought to an older schema version, as an upgrade test starts from. */
public final class SchemaVersions {
  private SchemaVersions() {}

  /** A small pool on {@code database}, for writing rows as an older version did. */
  public static HikariDataSource dataSource(TestDatabase database) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(database.jdbcUrl());
    dataSource.setUsername(database.user());
    dataSource.setPassword(database.password());
    dataSource.setMaximumPoolSize(2);
    return dataSource;
  }

  /** Applies this build's migrations up to and including {@code version}, and no further. */
  public static void migrateTo(DataSource dataSource, String version) {
    Flyway.configure(SchemaVersions.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:" + CurrentSchema.FOLDER)
        .table(Schema.HISTORY_TABLE)
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target(version)
        .load()
        .migrate();
  }
}
