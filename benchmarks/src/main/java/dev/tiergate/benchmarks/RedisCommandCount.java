package dev.tiergate.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

import dev.tiergate.test.RedisEndpoint;
import dev.tiergate.test.RedisProbe;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Counts the Redis commands a benchmark sends per operation: the server's
 * {@code INFO commandstats} (reset with {@code CONFIG RESETSTAT}) divided by the
 * operations the benchmark threads counted, each in its own {@link Operations}. The server
 * counts the commands a script runs ({@code redis.call}) like those a client sends; the
 * benchmark, knowing its scripts, tells which were sent.
 */
public final class RedisCommandCount implements AutoCloseable {

	/** The commands counted one by one: those the benchmarks send, and those their scripts run. */
	private static final List<String> COMMANDS = List.of("get", "mget", "set", "psetex", "time", "eval", "evalsha", "del",
			"unlink", "ping");

	/** The probe's own commands, left out of the counts. */
	private static final List<String> OWN_COMMANDS = List.of("info", "config");

	private final RedisProbe probe;

	private final List<Operations> threads = new CopyOnWriteArrayList<>();

	/**
	 * Connects to the Redis whose commands are counted.
	 * @param redis the Redis
	 */
	public RedisCommandCount(RedisEndpoint redis) {
		this.probe = new RedisProbe(redis);
	}

	/**
	 * Starts counting from zero: resets the server's statistics and every thread's count.
	 */
	public void reset() {
		this.threads.forEach((operations) -> {
			operations.count = 0;
			operations.rejected = 0;
		});
		this.probe.resetStats();
	}

	/**
	 * Registers the operation count of a benchmark thread.
	 * @param operations the thread's count
	 */
	public void register(Operations operations) {
		this.threads.add(operations);
	}

	/**
	 * Returns the operations counted since the last {@link #reset()}, all threads together.
	 * @return the operations
	 */
	public long operations() {
		return this.threads.stream().mapToLong((operations) -> operations.count).sum();
	}

	/**
	 * Returns the commands per operation since the last {@link #reset()}.
	 * @param sentByClients how many of the counted commands the clients sent: the server
	 * counts the commands that scripts run too, and only the benchmark knows its scripts
	 * @return the commands per operation
	 */
	public Result result(ToLongFunction<Calls> sentByClients) {
		long operations = operations();
		long rejected = this.threads.stream().mapToLong((thread) -> thread.rejected).sum();
		Calls calls = new Calls();
		for (String command : COMMANDS) {
			long count = this.probe.commandCount(command);
			if (count > 0) {
				calls.perCommand.put(command.toUpperCase(Locale.ROOT), count);
			}
		}
		calls.total = this.probe.totalCommandsExcluding(OWN_COMMANDS.toArray(String[]::new));
		long sent = sentByClients.applyAsLong(calls);
		return new Result(operations, rejected, perOperation(sent, operations),
				perOperation(calls.total, operations), calls.perCommand);
	}

	private static double perOperation(long count, long operations) {
		return (operations > 0) ? (double) count / operations : Double.NaN;
	}

	@Override
	public void close() {
		this.probe.close();
	}

	/**
	 * The commands the server ran during a count, as {@code INFO commandstats} has them.
	 */
	public static final class Calls {

		private final Map<String, Long> perCommand = new TreeMap<>();

		private long total;

		/**
		 * Returns how often a command ran, from clients and from scripts.
		 * @param command the command, in capitals
		 * @return the count
		 */
		public long of(String command) {
			return this.perCommand.getOrDefault(command, 0L);
		}

		/**
		 * Returns how many commands ran, from clients and from scripts.
		 * @return the count
		 */
		public long total() {
			return this.total;
		}

	}

	/**
	 * What one count found.
	 *
	 * @param operations the operations counted
	 * @param rejected the operations that were rate-limit checks and were rejected
	 * @param sentPerOperation commands the clients sent per operation: round trips
	 * @param ranPerOperation commands the server ran per operation, those of scripts
	 * included
	 * @param perCommand how often each command ran, from clients and from scripts
	 */
	public record Result(long operations, long rejected, double sentPerOperation, double ranPerOperation,
			Map<String, Long> perCommand) {

		/**
		 * Describes the result on one line, as the benchmarks print it.
		 * @param what the benchmark
		 * @return the line
		 */
		public String describe(String what) {
			StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
					"%n[redis] %s: %.3f commands sent per operation (%.3f run, scripts' included) over %d operations"
							+ " (%d rejected); calls:",
					what, this.sentPerOperation, this.ranPerOperation, this.operations, this.rejected));
			this.perCommand.forEach((command, calls) -> line.append(' ').append(command).append('=').append(calls));
			return line.toString();
		}

	}

	/**
	 * The operations of one benchmark thread: a plain field, so counting costs the
	 * measured loop no synchronisation.
	 */
	@State(Scope.Thread)
	public static class Operations {

		/** Operations of this thread since the last reset. */
		public long count;

		/** Operations of this thread since the last reset that were rejected rate-limit checks. */
		public long rejected;

	}

}
