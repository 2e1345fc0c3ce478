package dev.tiergate.interceptor;

import java.lang.reflect.Method;

import dev.tiergate.TiergateConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AnnotatedMethod}: the method a target class runs, how messages name
 * it, and its parameters found by name or position, with one wording of what is wrong
 * for both advices.
 */
class AnnotatedMethodTests {

	@Test
	void describesTheMostSpecificMethodOfTheTargetClass() throws Exception {
		Method declared = Api.class.getMethod("find", String.class, int.class);
		AnnotatedMethod method = AnnotatedMethod.of(declared, Impl.class);
		assertThat(method.method()).isEqualTo(Impl.class.getMethod("find", String.class, int.class));
		assertThat(method.targetClass()).isEqualTo(Impl.class);
		assertThat(method.description()).isEqualTo("method AnnotatedMethodTests.Impl.find(String, int)")
			.isEqualTo(method.toString());
	}

	@Test
	void findsParametersByNameAndByPosition() throws Exception {
		AnnotatedMethod method = find();
		assertThat(method.parameterIndex("@A", "#id", "id")).isZero();
		assertThat(method.parameterIndex("@A", "#limit", "limit")).isOne();
		assertThat(method.parameterIndex("@A", "#p1", "p1")).isOne();
		assertThat(method.parameterIndex("@A", "#a0", "a0")).isZero();
		assertThat(method.parameterName(1)).isEqualTo("limit");
	}

	@Test
	void aKeyOfAMethodWithoutParametersSaysItHasNone() throws Exception {
		AnnotatedMethod method = AnnotatedMethod.of(Impl.class.getMethod("none"), Impl.class);
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> method.parameterIndex("@A", "#p0", "p0"))
			.withMessage("method AnnotatedMethodTests.Impl.none(): key '#p0' of @A refers to argument 0, but the"
					+ " method has no parameters")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Remove the key."));
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> method.parameterIndex("@A", "#id", "id"))
			.withMessageEndingWith("key '#id' of @A names a parameter, but the method has no parameters")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Remove the key."));
	}

	@Test
	void aPositionBeyondTheParametersNamesTheOnesThereAre() throws Exception {
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> find().parameterIndex("@A", "#p2", "p2"))
			.withMessageEndingWith("key '#p2' of @A refers to argument 2, but the method has 2 parameters")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Use #p0 to #p1."));
		AnnotatedMethod single = AnnotatedMethod.of(Impl.class.getMethod("one", long.class), Impl.class);
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> single.parameterIndex("@A", "#p1", "p1"))
			.withMessageEndingWith("refers to argument 1, but the method has 1 parameter")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Use #p0."));
	}

	@Test
	void anUnknownNameListsTheParameters() throws Exception {
		assertThatExceptionOfType(TiergateConfigurationException.class)
			.isThrownBy(() -> find().parameterIndex("@A", "#productId", "productId"))
			.withMessageEndingWith("key '#productId' of @A names no parameter of the method (its parameters are id,"
					+ " limit)")
			.satisfies((ex) -> assertThat(ex.getAction()).isEqualTo("Name one of the parameters."));
	}

	@Test
	void anEvaluationSeesTheArgumentsAndTheRootObject() throws Exception {
		AnnotatedMethod method = find();
		MethodExpressions expressions = new MethodExpressions(null);
		MethodEvaluation evaluation = method.evaluation(new Object[] { "k", 3 }, new Impl(), null);
		assertThat(evaluation.value(expressions.parseIfPresent(method, "@A", "key",
				"#id + #p1 + #a1 + #root.methodName + #root.targetClass.simpleName + #root.args.length",
				AnnotatedOperationSource.ResultVariable.AVAILABLE)))
			.isEqualTo("k33findImpl2");
		evaluation.setResult(7);
		assertThat(evaluation.isTrue(expressions.parseIfPresent(method, "@A", "unless", "#result == 7",
				AnnotatedOperationSource.ResultVariable.AVAILABLE)))
			.isTrue();
	}

	private static AnnotatedMethod find() throws NoSuchMethodException {
		return AnnotatedMethod.of(Impl.class.getMethod("find", String.class, int.class), Impl.class);
	}

	interface Api {

		Integer find(String id, int limit);

	}

	static class Impl implements Api {

		@Override
		public Integer find(String id, int limit) {
			return limit;
		}

		public Integer none() {
			return 0;
		}

		public Integer one(long id) {
			return 1;
		}

	}

}
