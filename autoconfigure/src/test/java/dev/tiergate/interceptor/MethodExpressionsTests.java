package dev.tiergate.interceptor;

import java.lang.reflect.Method;

import dev.tiergate.TiergateConfigurationException;
import dev.tiergate.interceptor.AnnotatedOperationSource.ResultVariable;
import org.junit.jupiter.api.Test;

import org.springframework.expression.Expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MethodExpressions} and {@link KeySource}: an expression is parsed once
 * per method and target class, a key that only names a parameter is read without SpEL,
 * and an expression that cannot work fails naming the method.
 */
class MethodExpressionsTests {

	private static final ResultVariable BEFORE = ResultVariable.unavailable("Do without it.");

	private final MethodExpressions expressions = new MethodExpressions(null);

	@Test
	void anExpressionIsParsedOncePerMethodAndTargetClass() throws Exception {
		Method find = Service.class.getMethod("find", String.class, int.class);
		Expression first = parse(AnnotatedMethod.of(find, Service.class), "#id + 1");
		assertThat(parse(AnnotatedMethod.of(find, Service.class), "#id + 1")).as("parsed before").isSameAs(first);
		assertThat(parse(AnnotatedMethod.of(find, Service.class), "#id + 2")).isNotSameAs(first);
		assertThat(parse(AnnotatedMethod.of(find, SubService.class), "#id + 1")).as("another target class")
			.isNotSameAs(first);
		assertThat(parse(AnnotatedMethod.of(Service.class.getMethod("other", String.class), Service.class),
				"#id + 1"))
			.as("another method")
			.isNotSameAs(first);
		assertThat(this.expressions.keySource(AnnotatedMethod.of(find, Service.class), "@A", "#id + 1",
				ResultVariable.AVAILABLE))
			.isEqualTo(new KeySource.Evaluated(first));
	}

	@Test
	void aBlankExpressionIsNone() throws Exception {
		assertThat(this.expressions.parseIfPresent(find(), "@A", "condition", " ", BEFORE)).isNull();
	}

	@Test
	void aKeyThatOnlyNamesAParameterIsReadWithoutSpel() throws Exception {
		AnnotatedMethod method = find();
		assertThat(keySource(method, "")).isSameAs(KeySource.ALL_ARGUMENTS);
		assertThat(keySource(method, "#id")).isEqualTo(new KeySource.Argument(0));
		assertThat(keySource(method, " #limit ")).isEqualTo(new KeySource.Argument(1));
		assertThat(keySource(method, "#p1")).isEqualTo(new KeySource.Argument(1));
		assertThat(keySource(method, "#a0")).isEqualTo(new KeySource.Argument(0));
		for (String key : new String[] { "#id.length()", "#root.args[0]", "#this", "'fixed'" }) {
			assertThat(keySource(method, key)).as(key).isInstanceOf(KeySource.Evaluated.class);
		}
		assertThat(this.expressions.keySource(method, "@A", "#result", ResultVariable.AVAILABLE))
			.isInstanceOf(KeySource.Evaluated.class);
	}

	@Test
	void keySourcesReadTheirValueFromTheCall() throws Exception {
		AnnotatedMethod method = find();
		Object[] args = { "k", 3 };
		MethodEvaluation evaluation = method.evaluation(args, new Service(), null);
		assertThat(KeySource.ALL_ARGUMENTS.value(args, null)).isSameAs(args);
		assertThat(keySource(method, "#limit").value(args, null)).isEqualTo(3);
		assertThat(keySource(method, "#id + '-' + #limit").value(args, evaluation)).isEqualTo("k-3");
		assertThat(KeySource.ALL_ARGUMENTS.needsEvaluation()).isFalse();
		assertThat(keySource(method, "#limit").needsEvaluation()).isFalse();
		assertThat(keySource(method, "#id + '-' + #limit").needsEvaluation()).isTrue();
	}

	@Test
	void resultWhereItDoesNotExistFailsNamingTheMethod() throws Exception {
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> this.expressions.keySource(find(), "@A", "#result.id", BEFORE))
			.withMessage("method MethodExpressionsTests.Service.find(String, int): key '#result.id' of @A uses"
					+ " #result, which does not exist before the method is invoked")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Do without it."));
	}

	@Test
	void invalidSpelFailsNamingTheMethod() throws Exception {
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> this.expressions.parseIfPresent(find(), "@A", "condition", "#id >", BEFORE))
			.withMessageStartingWith("method MethodExpressionsTests.Service.find(String, int): condition '#id >' of"
					+ " @A is not valid SpEL: ")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Fix the expression."));
	}

	private Expression parse(AnnotatedMethod method, String expression) {
		return this.expressions.parseIfPresent(method, "@A", "key", expression, ResultVariable.AVAILABLE);
	}

	private KeySource keySource(AnnotatedMethod method, String key) {
		return this.expressions.keySource(method, "@A", key, BEFORE);
	}

	private static AnnotatedMethod find() throws NoSuchMethodException {
		return AnnotatedMethod.of(Service.class.getMethod("find", String.class, int.class), Service.class);
	}

	static class Service {

		public Integer find(String id, int limit) {
			return limit;
		}

		public Integer other(String id) {
			return 0;
		}

	}

	static class SubService extends Service {

	}

}
