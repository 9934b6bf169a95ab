package dev.genie.it.support;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * The suites that start programs from Debian's packages, which run only under the Maven profile
 * {@value #PROFILE} (it sets {@code -D}{@value #SWITCH}{@code =true}; {@code .ci/run} turns it on
 * after installing them). Without it this filter, registered in {@code META-INF/services}, leaves
 * them out of the run and prints, once per suite, that it was not run and the command that runs it:
 * the suite needs only Java otherwise.
 */
public final class ProgramSuites implements PostDiscoveryFilter {
  static final String PROFILE = "os-programs";
  static final String SWITCH = "genie.it.osPrograms";

  /** Each suite and the Debian packages it needs. */
  static final Map<String, String> SUITES =
      Map.of(
          "dev.genie.it.BrowserIT", "chromium chromium-driver",
          "dev.genie.it.PgBouncerIT", "pgbouncer",
          "dev.genie.it.FailoverIT", "patroni etcd-server");

  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  @Override
  public FilterResult apply(TestDescriptor descriptor) {
    FilterResult result = apply(descriptor, Boolean.getBoolean(SWITCH));
    result
        .getReason()
        .filter(reason -> result.excluded() && REPORTED.add(reason))
        .ifPresent(System.out::println);
    return result;
  }

  static FilterResult apply(TestDescriptor descriptor, boolean programsOn) {
    Optional<String> suite = className(descriptor.getSource());
    Optional<String> packages = suite.map(SUITES::get);
    if (packages.isEmpty() || programsOn) {
      return FilterResult.included("needs only Java, or " + PROFILE + " is on");
    }
    return FilterResult.excluded(notRun(suite.get(), packages.get()));
  }

  /** The line that says a suite was not run, and what runs it. */
  static String notRun(String className, String packages) {
    return "[genie-it] NOT RUN: "
        + className.substring(className.lastIndexOf('.') + 1)
        + " needs programs from Debian's packages ("
        + packages
        + "); run it with `apt-get install -y "
        + packages
        + "` and then `mvn -B verify -P"
        + PROFILE
        + "` (.ci/run does both)";
  }

  private static Optional<String> className(Optional<TestSource> source) {
    return source.flatMap(
        s ->
            s instanceof ClassSource c
                ? Optional.of(c.getClassName())
                : s instanceof MethodSource m ? Optional.of(m.getClassName()) : Optional.empty());
  }
}
