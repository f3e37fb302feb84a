package dev.cartwright.pricing;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable list over an array that nobody else holds, so a result can hand out its lines without the
 * copy {@code List.of(array)} would make.
 */
final class ResultList<E> extends AbstractList<E> implements RandomAccess {

    private final E[] elements;

    ResultList(E[] elements) {
        this.elements = elements;
    }

    @Override
    public E get(int index) {
        return elements[index];
    }

    @Override
    public int size() {
        return elements.length;
    }
}
