package dev.genie.persistence.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DatabaseUrlTest {

  @Test
  void readsTheProviderForm() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:s3cret@db.example.com:6543/genie");

    assertThat(url.host()).isEqualTo("db.example.com");
    assertThat(url.port()).isEqualTo(6543);
    assertThat(url.database()).isEqualTo("genie");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).contains("s3cret");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/genie");
  }

  @Test
  void decodesEscapedCredentialsAndKeepsDriverParameters() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgresql://us%40er:p%3Aa%2Fss%40@localhost/db?sslmode=require");

    assertThat(url.user()).isEqualTo("us@er");
    assertThat(url.password()).contains("p:a/ss@");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.parameters()).isEqualTo(Map.of("sslmode", "require"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/db?sslmode=require");
  }

  @Test
  void readsJdbcUrlsWithCredentialsInTheQuery() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=pw&ssl=false");

    assertThat(url.user()).isEqualTo("postgres");
    assertThat(url.password()).contains("pw");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?ssl=false");
  }

  @Test
  void readsIpv6Hosts() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://postgres@[::1]:5433/postgres");

    assertThat(url.host()).isEqualTo("::1");
    assertThat(url.password()).isEmpty();
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/postgres");
  }

  @Test
  void neverShowsThePassword() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:hunter2-SENTINEL@db:5432/genie");

    assertThat(url.toString()).isEqualTo("postgres://app:***@db:5432/genie");
    assertThat(url.redacted()).doesNotContain("hunter2");
    assertThat(url.jdbcUrl()).doesNotContain("hunter2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "mysql://app:pw@db/genie",
        "postgres://app:hunter2-SENTINEL@/genie",
        "postgres://app:hunter2-SENTINEL@db:5432/",
        "postgres://:hunter2-SENTINEL@db:5432/genie",
        "postgres://app:hunter2 SENTINEL@db:5432/genie",
        "postgres://app:hunter2-SENTINEL@db:notaport/genie",
        "postgres://app:hunter2%ZZSENTINEL@db/genie"
      })
  void rejectsMalformedUrlsWithoutEchoingThem(String malformed) {
    assertThatThrownBy(() -> DatabaseUrl.parse(malformed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SqlStoreSettings.url is malformed: ")
        .hasMessageContaining("postgres://user:password@")
        .hasMessageNotContaining("SENTINEL");
  }

  @Test
  void readsSeveralHostsAsOneClusterWhosePrimaryIsUsed() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgres://app:s3cret@pg-a:5433,pg-b,[::1]:5435/genie?sslmode=require");

    assertThat(url.servers())
        .containsExactly(
            new DatabaseUrl.Server("pg-a", 5433),
            new DatabaseUrl.Server("pg-b", 5432),
            new DatabaseUrl.Server("::1", 5435));
    assertThat(url.severalHosts()).isTrue();
    assertThat(url.host()).isEqualTo("pg-a");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).contains("s3cret");
    assertThat(url.jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://pg-a:5433,pg-b:5432,[::1]:5435/genie"
                + "?sslmode=require&targetServerType=primary");
    assertThat(url.redacted()).isEqualTo("postgres://app:***@pg-a:5433,pg-b:5432,[::1]:5435/genie");
  }

  @Test
  void keepsTheTargetServerTypeAUrlAsksFor() {
    DatabaseUrl url =
        DatabaseUrl.parse(
            "jdbc:postgresql://10.0.0.1:5432,10.0.0.2:5432/genie"
                + "?targetServerType=preferPrimary&user=app");

    assertThat(url.parameters()).containsEntry("targetServerType", "preferPrimary");
    assertThat(url.jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://10.0.0.1:5432,10.0.0.2:5432/genie?targetServerType=preferPrimary");
  }

  @Test
  void aSingleHostGetsNoTargetServerType() {
    assertThat(DatabaseUrl.parse("postgres://app@db/genie").parameters()).isEmpty();
    assertThat(DatabaseUrl.parse("postgres://app@db/genie").severalHosts()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "postgres://app:hunter2-SENTINEL@pg-a:5432,/genie",
        "postgres://app:hunter2-SENTINEL@,pg-b:5432/genie",
        "postgres://app:hunter2-SENTINEL@pg-a:5432,pg-b:notaport/genie",
        "postgres://app:hunter2-SENTINEL@pg-a:5432,pg-b:5432/"
      })
  void rejectsBrokenHostListsWithoutEchoingThem(String malformed) {
    assertThatThrownBy(() -> DatabaseUrl.parse(malformed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SqlStoreSettings.url is malformed: ")
        .hasMessageNotContaining("SENTINEL");
  }

  @Test
  void namesTheKeyItWasReadFrom() {
    assertThatThrownBy(
            () -> DatabaseUrl.parse("SqlStoreSettings.listenUrl", "mysql://app@db/genie"))
        .hasMessageStartingWith("SqlStoreSettings.listenUrl is malformed: ");
  }
}
