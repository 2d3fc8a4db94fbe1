// Refuses every stack it is offered, and marks it: a stack offered twice comes back marked
// (the same object) or unmarked (a new one); docs/language.md says a refused stack is dead.
export default {
  counters: ['offers', 'marked_again', 'unmarked_again'],
  free(stack, cpu) {
    kss.count('offers');
    if (stack.refused) kss.count('marked_again');
    stack.refused = true;
    return false;
  },
};
