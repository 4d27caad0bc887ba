"""The order in which torch's CPU sort, topk, kthvalue and mode leave equal elements, step by step.

torch sorts a row with `std::sort` (sort(stable=False), mode) and picks the k largest with
`std::nth_element` or `std::partial_sort` (topk), and the k-th smallest with its own quick select
(kthvalue). None of them is stable: where values tie, which index comes first is whatever the
swaps happen to leave, and a program that prints `counts.sort(descending=True)` or samples from
`probs.topk(5)` prints those indices. A stable numpy sort gives the same values but other indices,
so the rows that have ties are replayed here with the same algorithms (GCC's introsort,
introselect and heap select with their constants; torch's median-of-three quick select), on a
list of (value, index) pairs.

Rows without ties need none of this: every correct sort orders distinct values alike. The callers
(reduce.py, statistics.py) come here only for rows where ties could change the answer.
"""
from __future__ import annotations

from collections.abc import Callable

Pair = tuple  # (value, index); NaN counts as the largest value, as torch's comparators say
Less = Callable[[Pair, Pair], bool]

_THRESHOLD = 16  # libstdc++'s _S_threshold: introsort leaves runs this short to the final insertion sort


def sorted_order(values: list, descending: bool) -> list:
    """The indices of torch's `sort(stable=False)` of one row."""
    q = [(v, i) for i, v in enumerate(values)]
    sort(q, 0, len(q), comparator(descending))
    return [i for _, i in q]


def topk_order(values: list, k: int, largest: bool, in_order: bool) -> list:
    """The indices of torch's `topk` of one row: a partial sort when k is small next to the row
    (k * 64 <= n), else nth_element and, for sorted=True, a sort of the k - 1 before the k-th."""
    q, less = [(v, i) for i, v in enumerate(values)], comparator(largest)
    if k * 64 <= len(q):
        partial_sort(q, 0, k, len(q), less)
    else:
        nth_element(q, 0, k - 1, len(q), less)
        if in_order:
            sort(q, 0, k - 1, less)
    return [i for _, i in q[:k]]


def kth_smallest_index(values: list, k: int) -> int:
    """The index torch's kthvalue reports for the k-th smallest (k from 1): its quick_select_template
    (SortingUtils.h), median of three, NaN larger than everything."""
    q, greater = [(v, i) for i, v in enumerate(values)], comparator(True)
    k, left, right = k - 1, 0, len(q) - 1
    while right > left:
        if right == left + 1:
            if greater(q[left], q[right]):
                q[left], q[right] = q[right], q[left]
            break
        middle = left + (right - left) // 2
        q[middle], q[left + 1] = q[left + 1], q[middle]
        for a, b in ((left + 1, right), (left, right), (left + 1, left)):  # the median of three to q[left]
            if greater(q[a], q[b]):
                q[a], q[b] = q[b], q[a]
        i, j, pivot = left + 1, right, q[left]
        while True:
            i += 1
            while greater(pivot, q[i]):
                i += 1
            j -= 1
            while greater(q[j], pivot):
                j -= 1
            if j < i:
                break
            q[i], q[j] = q[j], q[i]
        q[left], q[j] = q[j], q[left]
        if j <= k:
            left = i
        if j >= k:
            right = j - 1
    return q[k][1]


def comparator(descending: bool) -> Less:
    """torch's KeyValueCompAsc / KeyValueCompDesc: NaN after (or before) every number."""
    if descending:
        return lambda a, b: (a[0] != a[0] and b[0] == b[0]) or a[0] > b[0]
    return lambda a, b: (a[0] == a[0] and b[0] != b[0]) or a[0] < b[0]


def sort(q: list, first: int, last: int, less: Less) -> None:
    """std::sort(q[first:last]) in place: introsort, then one insertion sort over the whole range."""
    if last - first > 1:
        _introsort_loop(q, first, last, 2 * _log2(last - first), less)
        _final_insertion_sort(q, first, last, less)


def nth_element(q: list, first: int, nth: int, last: int, less: Less) -> None:
    """std::nth_element: q[nth] is what a sort would put there, smaller ones before it, larger after."""
    if first == last or nth == last:
        return
    depth = 2 * _log2(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(q, first, nth + 1, last, less)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last, less)


def partial_sort(q: list, first: int, middle: int, last: int, less: Less) -> None:
    """std::partial_sort: q[first:middle] sorted, holding the smallest of q[first:last]."""
    _heap_select(q, first, middle, last, less)
    _sort_heap(q, first, middle, less)


def _log2(n: int) -> int:
    return n.bit_length() - 1  # std::__lg: the floor of log2


def _introsort_loop(q: list, first: int, last: int, depth: int, less: Less) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            partial_sort(q, first, last, last, less)  # heapsort once the recursion gets too deep
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, less)
        _introsort_loop(q, cut, last, depth, less)
        last = cut


def _partition_pivot(q: list, first: int, last: int, less: Less) -> int:
    """The median of q[first+1], the middle and q[last-1] moved to q[first], then Hoare's partition around it."""
    mid = first + (last - first) // 2
    _move_median_to_first(q, first, first + 1, mid, last - 1, less)
    return _unguarded_partition(q, first + 1, last, first, less)


def _move_median_to_first(q: list, result: int, a: int, b: int, c: int, less: Less) -> None:
    if less(q[a], q[b]):
        median = b if less(q[b], q[c]) else (c if less(q[a], q[c]) else a)
    else:
        median = a if less(q[a], q[c]) else (c if less(q[b], q[c]) else b)
    q[result], q[median] = q[median], q[result]


def _unguarded_partition(q: list, first: int, last: int, pivot: int, less: Less) -> int:
    while True:
        while less(q[first], q[pivot]):
            first += 1
        last -= 1
        while less(q[pivot], q[last]):
            last -= 1
        if not first < last:
            return first
        q[first], q[last] = q[last], q[first]
        first += 1


def _insertion_sort(q: list, first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        value = q[i]
        if less(value, q[first]):  # the smallest so far: shift the whole run right by one
            q[first + 1:i + 1] = q[first:i]
            q[first] = value
        else:
            _unguarded_linear_insert(q, i, less)


def _unguarded_linear_insert(q: list, last: int, less: Less) -> None:
    value = q[last]
    while less(value, q[last - 1]):
        q[last] = q[last - 1]
        last -= 1
    q[last] = value


def _final_insertion_sort(q: list, first: int, last: int, less: Less) -> None:
    if last - first > _THRESHOLD:
        _insertion_sort(q, first, first + _THRESHOLD, less)
        for i in range(first + _THRESHOLD, last):
            _unguarded_linear_insert(q, i, less)
    else:
        _insertion_sort(q, first, last, less)


# ------------------------------------------------------------------ heaps (std::make_heap and friends)
def _heap_select(q: list, first: int, middle: int, last: int, less: Less) -> None:
    _make_heap(q, first, middle, less)
    for i in range(middle, last):
        if less(q[i], q[first]):
            _pop_heap(q, first, middle, i, less)


def _sort_heap(q: list, first: int, last: int, less: Less) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(q, first, last, last, less)


def _make_heap(q: list, first: int, last: int, less: Less) -> None:
    length = last - first
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(q, first, parent, length, q[first + parent], less)


def _pop_heap(q: list, first: int, last: int, result: int, less: Less) -> None:
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value, less)


def _adjust_heap(q: list, first: int, hole: int, length: int, value: Pair, less: Less) -> None:
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(q[first + child], q[first + child - 1]):
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2  # std::__push_heap: the value climbs back up from the hole
    while hole > top and less(q[first + parent], value):
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value
