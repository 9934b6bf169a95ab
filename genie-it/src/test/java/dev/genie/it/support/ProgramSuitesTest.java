package dev.genie.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;

/** Without the profile, the suites that need Debian's programs are left out, and say how to run. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProgramSuitesTest {

  @Test
  void withoutTheProfileASuiteNeedingProgramsIsNotRunAndSaysWhatRunsIt() {
    FilterResult suite =
        ProgramSuites.apply(descriptor(ClassSource.from("dev.genie.it.PgBouncerIT")), false);
    FilterResult test =
        ProgramSuites.apply(
            descriptor(MethodSource.from("dev.genie.it.BrowserIT", "sendsAPrompt")), false);

    assertThat(suite.excluded()).isTrue();
    assertThat(suite.getReason())
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("[genie-it] NOT RUN: PgBouncerIT")
                    .contains("apt-get install -y pgbouncer")
                    .contains("mvn -B verify -Pos-programs"));
    assertThat(test.excluded()).isTrue();
  }

  @Test
  void withTheProfileTheyRun() {
    assertThat(
            ProgramSuites.apply(descriptor(ClassSource.from("dev.genie.it.FailoverIT")), true)
                .included())
        .isTrue();
  }

  @Test
  void suitesNeedingOnlyJavaAlwaysRun() {
    assertThat(
            ProgramSuites.apply(descriptor(ClassSource.from("dev.genie.it.ConcurrencyIT")), false)
                .included())
        .isTrue();
  }

  @Test
  void theSuitesItNamesExist() {
    assertThat(ProgramSuites.SUITES.keySet())
        .allSatisfy(name -> assertThat(Class.forName(name)).isNotNull());
  }

  private static TestDescriptor descriptor(org.junit.platform.engine.TestSource source) {
    return new AbstractTestDescriptor(UniqueId.root("test", "x"), "x", source) {
      @Override
      public Type getType() {
        return Type.CONTAINER;
      }
    };
  }
}
