package dev.chunkedupload.apidocs;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import dev.chunkedupload.problem.ProblemTable;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Adds the problem answers to every operation under {@code /api}: 401 and 403 from
 * security, and, for the controllers an advice answers for, every status and problem type
 * of that advice's {@link ProblemTable}. The tables are what the advices answer with, so
 * reading them keeps the document in step with the code, including for endpoints added
 * later: an advice's table is its {@code static ProblemTable} field, the same convention
 * {@code ExceptionHandlerTablesTests} checks.
 */
class ProblemApiDocs implements OpenApiCustomizer {

	static final String PROBLEM_JSON = "application/problem+json";

	static final String PROBLEM_SCHEMA = "Problem";

	private final ApplicationContext context;

	private final RequestMappingHandlerMapping mappings;

	ProblemApiDocs(ApplicationContext context, RequestMappingHandlerMapping mappings) {
		this.context = context;
		this.mappings = mappings;
	}

	@Override
	public void customise(OpenAPI api) {
		api.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
		Map<String, Map<Integer, Set<String>>> tables = tablesByPackage();
		for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : this.mappings.getHandlerMethods().entrySet()) {
			Map<Integer, Set<String>> table = tables.getOrDefault(mapping.getValue().getBeanType().getPackageName(),
					Map.of());
			for (String pattern : mapping.getKey().getPatternValues()) {
				PathItem item = (api.getPaths() != null) ? api.getPaths().get(pattern) : null;
				if (item == null || !pattern.startsWith("/api/")) {
					continue;
				}
				for (RequestMethod method : mapping.getKey().getMethodsCondition().getMethods()) {
					Operation operation = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method.name()));
					if (operation != null && method != RequestMethod.OPTIONS) {
						addProblems(operation, table);
					}
				}
			}
		}
	}

	private static void addProblems(Operation operation, Map<Integer, Set<String>> table) {
		if (operation.getResponses() == null) {
			operation.setResponses(new ApiResponses());
		}
		Map<Integer, Set<String>> statuses = new TreeMap<>(table);
		statuses.computeIfAbsent(401, (status) -> new TreeSet<>()).add("unauthenticated");
		statuses.computeIfAbsent(403, (status) -> new TreeSet<>()).add("forbidden");
		statuses.forEach((status, slugs) -> {
			if (operation.getResponses().containsKey(String.valueOf(status))) {
				return;
			}
			operation.getResponses().addApiResponse(String.valueOf(status), problem(status, slugs));
		});
	}

	static ApiResponse problem(int status, Set<String> slugs) {
		HttpStatus known = HttpStatus.resolve(status);
		String reason = (known != null) ? known.getReasonPhrase() : "Status " + status;
		String types = slugs.stream().map((slug) -> "`/problems/" + slug + "`").collect(Collectors.joining(", "));
		return new ApiResponse().description(reason + (types.isEmpty() ? "" : ": problem types " + types))
			.content(new Content().addMediaType(PROBLEM_JSON,
					new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA))));
	}

	private static Schema<?> problemSchema() {
		return new ObjectSchema()
			.description("RFC 9457 problem details; some types add members (offset, max_bytes, ...)")
			.addProperty("type", new StringSchema().description("Stable URI of the problem type"))
			.addProperty("title", new StringSchema())
			.addProperty("status", new IntegerSchema())
			.addProperty("detail", new StringSchema().description("What went wrong and what to do"))
			.addProperty("instance", new StringSchema())
			.additionalProperties(true);
	}

	/** Each advice's table, under every package it advises. */
	private Map<String, Map<Integer, Set<String>>> tablesByPackage() {
		Map<String, Map<Integer, Set<String>>> tables = new HashMap<>();
		for (Object advice : this.context.getBeansWithAnnotation(RestControllerAdvice.class).values()) {
			Class<?> type = AopUtils.getTargetClass(advice);
			ProblemTable table = table(type);
			RestControllerAdvice annotation = type.getAnnotation(RestControllerAdvice.class);
			if (table == null || annotation == null) {
				continue;
			}
			for (Class<?> advised : annotation.basePackageClasses()) {
				tables.put(advised.getPackageName(), table.documented());
			}
		}
		return tables;
	}

	private static ProblemTable table(Class<?> advice) {
		for (Field field : advice.getDeclaredFields()) {
			if (field.getType() == ProblemTable.class && Modifier.isStatic(field.getModifiers())) {
				ReflectionUtils.makeAccessible(field);
				return (ProblemTable) ReflectionUtils.getField(field, null);
			}
		}
		return null;
	}

}
