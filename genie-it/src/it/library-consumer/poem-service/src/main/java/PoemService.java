import dev.genie.core.Answer;
import dev.genie.core.Orchestrator;
import dev.genie.core.OrchestratorListener;
import dev.genie.core.OrchestratorSettings;
import dev.genie.core.generate.SampleGenerator;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.SqlPromptStore;
import dev.genie.persistence.sql.SqlStoreSettings;
import java.time.Clock;
import java.time.Duration;

public class PoemService {
  public static void main(String[] args) {
    Answer answer = ask(args[0], "Write a short poem about autumn");
    System.out.println(answer.outcome() + " " + answer.state().result().envelope());
  }

  public static Answer ask(String databaseUrl, String prompt) {
    SqlStoreSettings settings = SqlStoreSettings.builder(DatabaseUrl.parse(databaseUrl)).build();
    try (SqlPromptStore store = SqlPromptStore.open(settings);
        Orchestrator genie =
            new Orchestrator(
                store,
                new SampleGenerator(Duration.ZERO),
                OrchestratorSettings.builder().build(),
                Clock.systemUTC(),
                OrchestratorListener.NONE)) {
      genie.start();
      return genie.submit(prompt);
    }
  }
}
