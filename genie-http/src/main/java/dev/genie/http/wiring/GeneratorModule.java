package dev.genie.http.wiring;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.genie.core.generate.Generator;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.http.StartupCheckException;
import dev.genie.http.config.GeneratorSettings;
import dev.genie.http.config.GenieConfig;
import java.util.Map;
import java.util.TreeSet;
import javax.inject.Provider;
import javax.inject.Singleton;

/** Binds the built-in generators by name and provides the one {@code GENIE_GENERATOR} names. */
@Module
public final class GeneratorModule {
  private GeneratorModule() {}

  @Provides
  static GeneratorSettings settings(GenieConfig config) {
    return config.generator();
  }

  @Provides
  @IntoMap
  @StringKey(SampleGenerator.NAME)
  static Generator sample(GeneratorSettings settings) {
    return new SampleGenerator(settings.sampleDelay());
  }

  @Provides
  @Singleton
  static Generator generator(
      GeneratorSettings settings, Map<String, Provider<Generator>> generators) {
    Provider<Generator> generator = generators.get(settings.name());
    if (generator == null) {
      throw new StartupCheckException(
          "GENIE_GENERATOR is '" + settings.name() + "', which is not a known generator",
          "set GENIE_GENERATOR to one of " + new TreeSet<>(generators.keySet()));
    }
    return generator.get();
  }
}
