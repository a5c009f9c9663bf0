package io.homeostat.service.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResourceSerializerTest {
    @Test
    void workOnOneResourceNeverOverlapsAndRunsInOrderWhileOtherResourcesRunAlongside() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            ResourceSerializer serializer = new ResourceSerializer(threads);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(21);
            CountDownLatch otherRan = new CountDownLatch(1);
            AtomicInteger firstSawOther = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                int n = i;
                serializer.execute("service:a", () -> {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    if (n == 0) {
                        // Blocks service:a until service:b has run: b must not queue behind a.
                        try {
                            firstSawOther.set(otherRan.await(10, TimeUnit.SECONDS) ? 1 : -1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    order.add(n);
                    sleep(5);
                    inside.decrementAndGet();
                    done.countDown();
                });
            }
            serializer.execute("service:b", () -> {
                otherRan.countDown();
                done.countDown();
            });
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(firstSawOther.get()).as("service:b ran while service:a was busy").isEqualTo(1);
            assertThat(most.get()).isEqualTo(1);
            assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
            TimeUnit.MILLISECONDS.sleep(50);
            assertThat(serializer.busyResources()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aFailingPieceOfWorkDoesNotBlockTheResource() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            ResourceSerializer serializer = new ResourceSerializer(threads);
            CountDownLatch after = new CountDownLatch(1);
            serializer.execute("service:a", () -> {
                throw new IllegalStateException("plugin blew up");
            });
            serializer.execute("service:a", after::countDown);
            assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
