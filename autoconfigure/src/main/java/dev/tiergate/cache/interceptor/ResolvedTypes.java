package dev.tiergate.cache.interceptor;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;

/**
 * Turns a {@link ResolvableType} into a {@link Type} with every type variable replaced by
 * what it is bound to in the target class, so that {@code List<T>} declared in a generic
 * base class becomes {@code List<Product>} for its subclass: the type L2 bytes are decoded
 * with. Public for the Spring {@code CacheManager} adapter, which decodes with the same
 * types.
 */
public final class ResolvedTypes {

	private static final int MAX_DEPTH = 16;

	private ResolvedTypes() {
	}

	/**
	 * Returns a declared type with its type variables resolved.
	 * @param type the declared type, resolved against the target class
	 * @return the type; {@code Object} when nothing is known
	 */
	public static Type of(ResolvableType type) {
		return of(type, 0);
	}

	private static Type of(ResolvableType type, int depth) {
		if (type == ResolvableType.NONE || depth > MAX_DEPTH) {
			return Object.class;
		}
		if (type.isArray()) {
			Type component = of(type.getComponentType(), depth + 1);
			return (component instanceof Class<?> componentClass) ? componentClass.arrayType()
					: new ResolvedArrayType(component);
		}
		Class<?> raw = type.toClass();
		ResolvableType[] generics = type.getGenerics();
		if (generics.length == 0 || raw.getTypeParameters().length != generics.length) {
			return raw;
		}
		Type[] arguments = new Type[generics.length];
		for (int i = 0; i < generics.length; i++) {
			arguments[i] = of(generics[i], depth + 1);
		}
		return new ResolvedParameterizedType(raw, arguments);
	}

	/**
	 * Returns what keeps a declared type from being resolved: a raw generic type or a
	 * type variable the target class does not bind.
	 * @param type the declared type, resolved against the target class
	 * @return the problem, or {@code null} if the type is fully known
	 */
	static @Nullable String unresolved(ResolvableType type) {
		return unresolved(type, 0);
	}

	private static @Nullable String unresolved(ResolvableType type, int depth) {
		if (depth > MAX_DEPTH) {
			return null;
		}
		Type declared = type.getType();
		if (declared instanceof TypeVariable<?> variable && type.resolve() == null) {
			return "the type variable " + variable.getName() + " is not bound by the target class";
		}
		if (declared instanceof Class<?> declaredClass && !declaredClass.isArray()
				&& declaredClass.getTypeParameters().length > 0) {
			return "the raw type " + declaredClass.getSimpleName() + " does not say what it holds";
		}
		if (type.isArray()) {
			return unresolved(type.getComponentType(), depth + 1);
		}
		for (ResolvableType generic : type.getGenerics()) {
			String problem = unresolved(generic, depth + 1);
			if (problem != null) {
				return problem;
			}
		}
		return null;
	}

	private record ResolvedParameterizedType(Class<?> raw, Type[] arguments) implements ParameterizedType {

		@Override
		public Type[] getActualTypeArguments() {
			return this.arguments.clone();
		}

		@Override
		public Type getRawType() {
			return this.raw;
		}

		@Override
		public @Nullable Type getOwnerType() {
			return this.raw.getDeclaringClass();
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof ParameterizedType that && this.raw.equals(that.getRawType())
					&& Objects.equals(getOwnerType(), that.getOwnerType())
					&& Arrays.equals(this.arguments, that.getActualTypeArguments());
		}

		@Override
		public int hashCode() {
			// As the JDK's own ParameterizedType, so both are equal keys of a map.
			return Arrays.hashCode(this.arguments) ^ Objects.hashCode(getOwnerType()) ^ this.raw.hashCode();
		}

		@Override
		public String toString() {
			return getTypeName();
		}

		@Override
		public String getTypeName() {
			return this.raw.getTypeName() + "<"
					+ String.join(", ", Arrays.stream(this.arguments).map(Type::getTypeName).toList()) + ">";
		}

	}

	private record ResolvedArrayType(Type component) implements GenericArrayType {

		@Override
		public Type getGenericComponentType() {
			return this.component;
		}

		@Override
		public String getTypeName() {
			return this.component.getTypeName() + "[]";
		}

		@Override
		public String toString() {
			return getTypeName();
		}

	}

}
