package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Decision;
import io.homeostat.service.engine.facts.Issue;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Which facts of a session belong to a set of resources: those naming the resource (tenant and
 * resource), and those tied to one of its issues or decisions (a proposal, a verification, a
 * rollback request). Used when another engine takes resources over (a Kafka rebalance): their facts
 * leave this session, so that it neither acts on them nor opens their issues a second time.
 * Facts are matched by their accessors ({@code getTenant}, {@code getResource}, {@code getIssueId},
 * {@code getDecisionId}) rather than a list of classes, so that a fact added later is covered.
 */
final class ResourceScope {
    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            return new Accessors(find(type, "getTenant"), find(type, "getResource"), find(type, "getIssueId"), find(type, "getDecisionId"));
        }
    };

    private record Accessors(Method tenant, Method resource, Method issueId, Method decisionId) {
    }

    private ResourceScope() {
    }

    /** A test that holds for the facts among {@code facts} that belong to the {@code released} resources. */
    static Predicate<Object> of(Collection<?> facts, BiPredicate<String, String> released) {
        Set<String> issues = new HashSet<>();
        Set<String> decisions = new HashSet<>();
        for (Object fact : facts) {
            if (namesReleased(fact, released)) {
                add(issues, fact instanceof Issue issue ? issue.getId() : read(ACCESSORS.get(fact.getClass()).issueId(), fact));
                add(decisions, fact instanceof Decision decision ? decision.getId() : read(ACCESSORS.get(fact.getClass()).decisionId(), fact));
            }
        }
        for (Object fact : facts) {
            if (issues.contains(read(ACCESSORS.get(fact.getClass()).issueId(), fact))) {
                add(decisions, read(ACCESSORS.get(fact.getClass()).decisionId(), fact));
            }
        }
        return fact -> {
            Accessors accessors = ACCESSORS.get(fact.getClass());
            return namesReleased(fact, released) || issues.contains(read(accessors.issueId(), fact))
                    || decisions.contains(read(accessors.decisionId(), fact));
        };
    }

    private static boolean namesReleased(Object fact, BiPredicate<String, String> released) {
        Accessors accessors = ACCESSORS.get(fact.getClass());
        if (accessors.tenant() == null || accessors.resource() == null) {
            return false;
        }
        String tenant = read(accessors.tenant(), fact);
        String resource = read(accessors.resource(), fact);
        return tenant != null && resource != null && released.test(tenant, resource);
    }

    private static void add(Set<String> into, String id) {
        if (id != null) {
            into.add(id);
        }
    }

    private static Method find(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            return method.getReturnType() == String.class ? method : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String read(Method accessor, Object fact) {
        if (accessor == null) {
            return null;
        }
        try {
            return (String) accessor.invoke(fact);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not read " + accessor.getName() + " of a " + fact.getClass().getSimpleName(), e);
        }
    }
}
