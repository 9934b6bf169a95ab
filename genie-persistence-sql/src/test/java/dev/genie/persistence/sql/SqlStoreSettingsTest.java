package dev.genie.persistence.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SqlStoreSettingsTest {

  @Test
  void aBuilderFromSettingsChangesOnlyWhatItIsTold() {
    SqlStoreSettings settings =
        SqlStoreSettings.builder(DatabaseUrl.parse("postgres://app@db:5432/genie"))
            .poolSize(7)
            .migrate(MigrateMode.VALIDATE)
            .connectionTimeout(Duration.ofMillis(900))
            .statementTimeout(Duration.ofMillis(800))
            .lockTimeout(Duration.ofMillis(700))
            .logSql(true)
            .completedCacheMegabytes(3)
            .listenUrl(DatabaseUrl.parse("postgres://app@direct:5432/genie"))
            .pooler(Pooler.TRANSACTION)
            .failoverWait(Duration.ofMillis(600))
            .timeSource(TimeSource.CALLER)
            .groupCommitMax(5)
            .build();

    assertThat(settings.toBuilder().build()).isEqualTo(settings);
    SqlStoreSettings migrating =
        settings.toBuilder().migrate(MigrateMode.APPLY).poolSize(2).build();
    assertThat(migrating.migrate()).isEqualTo(MigrateMode.APPLY);
    assertThat(migrating.poolSize()).isEqualTo(2);
    assertThat(migrating.toBuilder().migrate(MigrateMode.VALIDATE).poolSize(7).build())
        .isEqualTo(settings);
  }
}
