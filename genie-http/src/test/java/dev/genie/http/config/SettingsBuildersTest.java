package dev.genie.http.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.OrchestratorSettings;
import dev.genie.generator.openai.EndpointSettings;
import dev.genie.generator.openai.OpenAiSettings;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every builder reaches every component of its record, and {@code toBuilder}, where a record has
 * one, keeps them all. Found by reflection, so a component added later is covered without a line
 * here: a {@code toBuilder} that forgot it would silently reset it in every command that adjusts
 * the settings ({@code migrate}, {@code keys}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SettingsBuildersTest {

  @ParameterizedTest
  @ValueSource(
      classes = {
        OrchestratorSettings.class,
        SqlStoreSettings.class,
        OpenAiSettings.class,
        EndpointSettings.class
      })
  void everySetterReachesTheRecordAndToBuilderKeepsEveryComponent(Class<?> settings)
      throws Exception {
    List<Method> setters = settersOf(settings);
    Record first = build(settings, setters, -1, 0);
    Optional<Method> toBuilder = toBuilder(settings);
    if (toBuilder.isPresent()) {
      assertThat(roundTrip(toBuilder.get(), first)).as("toBuilder of " + first).isEqualTo(first);
    }
    Set<String> changed = new HashSet<>();
    int arguments = factory(settings).getParameterCount();
    for (int i = 0; i < arguments + setters.size(); i++) {
      Record other = buildOther(settings, setters, i);
      String name =
          i < arguments ? "builder's argument " + i : setters.get(i - arguments).getName();
      assertThat(other).as(name + " reaches the record").isNotEqualTo(first);
      for (RecordComponent component : settings.getRecordComponents()) {
        if (!Objects.equals(value(component, other), value(component, first))) {
          changed.add(component.getName());
        }
      }
      if (toBuilder.isPresent()) {
        assertThat(roundTrip(toBuilder.get(), other)).as("toBuilder of " + other).isEqualTo(other);
      }
    }
    assertThat(changed)
        .as("components some setter of the builder sets")
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(settings.getRecordComponents()).map(RecordComponent::getName).toList());
  }

  /**
   * The record with {@code otherAt}'s other value: the larger, or the smaller where the larger is
   * out of range, such as a first pause longer than the longest.
   */
  private static Record buildOther(Class<?> settings, List<Method> setters, int otherAt)
      throws Exception {
    try {
      return build(settings, setters, otherAt, 1);
    } catch (InvocationTargetException e) {
      if (!(e.getCause() instanceof IllegalArgumentException)) {
        throw e;
      }
      return build(settings, setters, otherAt, 2);
    }
  }

  /**
   * The record with every argument of its builder and every setter given its first sample value,
   * but the {@code otherAt}th, counting the arguments first.
   */
  private static Record build(Class<?> settings, List<Method> setters, int otherAt, int other)
      throws Exception {
    Method factory = factory(settings);
    // The factory's arguments come first, such as SqlStoreSettings.builder(url)'s.
    Class<?>[] required = factory.getParameterTypes();
    Object[] arguments = new Object[required.length];
    for (int i = 0; i < required.length; i++) {
      arguments[i] = sample(required[i], i == otherAt ? other : 0);
    }
    Object builder = factory.invoke(null, arguments);
    for (int i = 0; i < setters.size(); i++) {
      Method setter = setters.get(i);
      int at = required.length + i;
      setter.invoke(builder, sample(setter.getParameterTypes()[0], at == otherAt ? other : 0));
    }
    return (Record) builder.getClass().getMethod("build").invoke(builder);
  }

  private static Method factory(Class<?> settings) {
    return Arrays.stream(settings.getMethods())
        .filter(m -> m.getName().equals("builder") && Modifier.isStatic(m.getModifiers()))
        .findFirst()
        .orElseThrow();
  }

  /** The builder's setters of a plain value (not those that take another builder). */
  private static List<Method> settersOf(Class<?> settings) {
    Class<?> builder =
        Arrays.stream(settings.getClasses())
            .filter(nested -> nested.getSimpleName().equals("Builder"))
            .findFirst()
            .orElseThrow();
    List<Method> setters = new ArrayList<>();
    for (Method method : builder.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers())
          && method.getReturnType() == builder
          && method.getParameterCount() == 1
          && !method.getParameterTypes()[0].getSimpleName().equals("Builder")) {
        setters.add(method);
      }
    }
    setters.sort((a, b) -> a.getName().compareTo(b.getName()));
    return setters;
  }

  private static Optional<Method> toBuilder(Class<?> settings) {
    return Arrays.stream(settings.getMethods())
        .filter(m -> m.getName().equals("toBuilder") && m.getParameterCount() == 0)
        .findFirst();
  }

  private static Record roundTrip(Method toBuilder, Record settings) throws Exception {
    Object builder = toBuilder.invoke(settings);
    return (Record) builder.getClass().getMethod("build").invoke(builder);
  }

  private static Object value(RecordComponent component, Record settings)
      throws IllegalAccessException, InvocationTargetException {
    return component.getAccessor().invoke(settings);
  }

  /**
   * Three values of {@code type}, the first differing from the others, each in the range of every
   * setting of that type (seven, eight or six: seconds, megabytes, connections, attempts...).
   */
  private static Object sample(Class<?> type, int which) {
    int n = which == 2 ? 6 : 7 + which;
    if (type == int.class || type == Integer.class) {
      return n;
    }
    if (type == long.class) {
      return (long) n;
    }
    if (type == boolean.class) {
      return which == 0;
    }
    if (type == Double.class) {
      return n / 10.0;
    }
    if (type == Duration.class) {
      return Duration.ofSeconds(n);
    }
    if (type == String.class) {
      return "sample-" + n;
    }
    if (type == URI.class) {
      return URI.create("http://sample-" + n + ".example/v1");
    }
    if (type == DatabaseUrl.class) {
      return DatabaseUrl.parse("postgres://genie@sample-" + n + ".example:5432/genie");
    }
    if (type.isEnum()) {
      Object[] constants = type.getEnumConstants();
      return constants[which == 0 ? 0 : constants.length - 1];
    }
    throw new AssertionError("no sample values of " + type + "; add them here");
  }
}
