package analysis

// What the smacker binding does not offer, done in C against the tree-sitter runtime it
// links: copying a tree's named nodes into one Go slice in a single call. Walking a tree
// node by node through the binding costs a cgo call and an allocation per node, and the
// query engine, in C, cost two thirds of a parse on code dense with calls; every fact is
// read from this copy.
//
// The runtime's functions are defined in the binding's C objects, which this package's
// cgo step cannot see: they are declared weak here and resolved when the program is
// linked. The struct layouts are those of the binding's api.h (tree-sitter language
// version 14); TestFlattenMatchesTheBinding checks the copy against the binding's view.

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct TSTree TSTree;
typedef struct TSLanguage TSLanguage;
typedef struct { uint32_t row; uint32_t column; } TSPoint;
typedef struct { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
extern TSNode ts_tree_root_node(const TSTree *) __attribute__((weak));
extern const TSLanguage *ts_tree_language(const TSTree *) __attribute__((weak));
extern uint32_t ts_language_symbol_count(const TSLanguage *) __attribute__((weak));
extern const char *ts_language_symbol_name(const TSLanguage *, uint16_t) __attribute__((weak));
extern uint32_t ts_language_field_count(const TSLanguage *) __attribute__((weak));
extern const char *ts_language_field_name_for_id(const TSLanguage *, uint16_t) __attribute__((weak));
extern uint32_t ts_node_descendant_count(TSNode) __attribute__((weak));
extern uint16_t ts_node_symbol(TSNode) __attribute__((weak));
extern bool ts_node_is_named(TSNode) __attribute__((weak));
extern bool ts_node_is_extra(TSNode) __attribute__((weak));
extern bool ts_node_has_error(TSNode) __attribute__((weak));
extern uint32_t ts_node_start_byte(TSNode) __attribute__((weak));
extern uint32_t ts_node_end_byte(TSNode) __attribute__((weak));
extern TSPoint ts_node_start_point(TSNode) __attribute__((weak));
extern TSPoint ts_node_end_point(TSNode) __attribute__((weak));
extern TSTreeCursor ts_tree_cursor_new(TSNode) __attribute__((weak));
extern void ts_tree_cursor_delete(TSTreeCursor *) __attribute__((weak));
extern TSNode ts_tree_cursor_current_node(const TSTreeCursor *) __attribute__((weak));
extern uint16_t ts_tree_cursor_current_field_id(const TSTreeCursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_first_child(TSTreeCursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *) __attribute__((weak));
extern bool ts_tree_cursor_goto_parent(TSTreeCursor *) __attribute__((weak));

static bool runtime_linked(void) {
	return ts_tree_root_node && ts_tree_language && ts_language_symbol_count &&
		ts_language_symbol_name && ts_language_field_count && ts_language_field_name_for_id &&
		ts_node_descendant_count && ts_node_symbol && ts_node_is_named && ts_node_is_extra && ts_node_has_error &&
		ts_node_start_byte && ts_node_end_byte && ts_node_start_point && ts_node_end_point &&
		ts_tree_cursor_new && ts_tree_cursor_delete && ts_tree_cursor_current_node &&
		ts_tree_cursor_current_field_id && ts_tree_cursor_goto_first_child &&
		ts_tree_cursor_goto_next_sibling && ts_tree_cursor_goto_parent;
}

typedef struct {
	uint16_t symbol;
	uint16_t field;
	uint8_t extra;
	int32_t parent, first_child, next_sibling;
	uint32_t start_byte, end_byte;
	TSPoint start, end;
} FlatNode;

static bool tree_has_error(const TSTree *tree) {
	return ts_node_has_error(ts_tree_root_node(tree));
}

static uint32_t descendant_count(const TSTree *tree) {
	return ts_node_descendant_count(ts_tree_root_node(tree));
}

// flatten writes tree's named nodes in pre-order, linked to their nearest named
// ancestor and siblings, into out, which has room for every descendant. It returns how
// many it wrote, or 0 when memory ran out.
static uint32_t flatten(const TSTree *tree, FlatNode *out) {
	uint32_t n = 0, depth = 0, cap = 64;
	// owner[d]: the index of the nearest named node at or above cursor depth d;
	// last[d]: the last named node written below it.
	int32_t *owner = malloc(cap * sizeof(int32_t)), *last = malloc(cap * sizeof(int32_t));
	if (!owner || !last) {
		free(owner);
		free(last);
		return 0;
	}
	TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(tree));
	int32_t parent = -1, previous = -1;
	for (;;) {
		TSNode node = ts_tree_cursor_current_node(&c);
		int32_t self = parent;
		if (ts_node_is_named(node)) {
			self = (int32_t)n++;
			FlatNode *f = &out[self];
			f->symbol = ts_node_symbol(node);
			f->field = ts_tree_cursor_current_field_id(&c);
			f->extra = ts_node_is_extra(node);
			f->parent = parent;
			f->first_child = f->next_sibling = -1;
			f->start_byte = ts_node_start_byte(node);
			f->end_byte = ts_node_end_byte(node);
			f->start = ts_node_start_point(node);
			f->end = ts_node_end_point(node);
			if (previous >= 0) {
				out[previous].next_sibling = self;
			} else if (parent >= 0) {
				out[parent].first_child = self;
			}
			previous = self;
		}
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (depth + 1 >= cap) {
				cap *= 2;
				int32_t *o = realloc(owner, cap * sizeof(int32_t)), *l = realloc(last, cap * sizeof(int32_t));
				if (o) owner = o;
				if (l) last = l;
				if (!o || !l) {
					n = 0;
					break;
				}
			}
			owner[depth] = parent;
			last[depth] = previous;
			depth++;
			if (self != parent) {
				previous = -1;
			}
			parent = self;
			continue;
		}
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (depth == 0) {
				goto done;
			}
			ts_tree_cursor_goto_parent(&c);
			depth--;
			int32_t inner = parent, inner_last = previous;
			parent = owner[depth];
			previous = last[depth];
			// A hidden or anonymous node's named children are its parent's children.
			if (inner == parent) {
				previous = inner_last;
			}
		}
	}
done:
	ts_tree_cursor_delete(&c);
	free(owner);
	free(last);
	return n;
}
*/
import "C"

import (
	"errors"
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

var errRuntimeNotLinked = errors.New("the tree-sitter runtime's functions are not linked")

// runtimeLinked is settled when the program is linked: asked once, not per file.
var runtimeLinked = bool(C.runtime_linked())

// cTree is the binding's C tree: the first field of its BaseTree.
func cTree(t *sitter.Tree) *C.TSTree {
	return *(**C.TSTree)(unsafe.Pointer(t.BaseTree))
}

// flatNode is a named node of a flatTree. Indexes are into the tree's nodes; -1: none.
type flatNode = C.FlatNode

// flatTree is a parsed file's named nodes in pre-order, read from Go without cgo calls.
type flatTree struct {
	nodes     []flatNode
	names     *grammarNames
	src       []byte
	collected *collected // the worker's buffers (parsers.flatten sets them)
}

// grammarNames are a grammar's node type and field names by id.
type grammarNames struct {
	symbols []string
	fields  []string
}

var grammarNameTables sync.Map // *C.TSLanguage -> *grammarNames

func namesOf(t *C.TSTree) *grammarNames {
	lang := C.ts_tree_language(t)
	if v, ok := grammarNameTables.Load(lang); ok {
		return v.(*grammarNames)
	}
	g := &grammarNames{}
	for i := range uint32(C.ts_language_symbol_count(lang)) {
		g.symbols = append(g.symbols, C.GoString(C.ts_language_symbol_name(lang, C.uint16_t(i))))
	}
	g.fields = []string{""}
	for i := uint32(1); i <= uint32(C.ts_language_field_count(lang)); i++ {
		g.fields = append(g.fields, C.GoString(C.ts_language_field_name_for_id(lang, C.uint16_t(i))))
	}
	v, _ := grammarNameTables.LoadOrStore(lang, g)
	return v.(*grammarNames)
}

// hasError reports whether t has a syntax error, without the binding's RootNode (which
// allocates and caches a node for every file parsed).
func hasError(t *sitter.Tree) bool {
	if !runtimeLinked {
		return t.RootNode().HasError()
	}
	return bool(C.tree_has_error(cTree(t)))
}

// flattenInto copies the named nodes of t, parsed from src, into buf's memory when it
// has room, or into new memory.
func flattenInto(t *sitter.Tree, src []byte, buf []flatNode) (*flatTree, error) {
	if !runtimeLinked {
		return nil, errRuntimeNotLinked
	}
	ct := cTree(t)
	nodes := buf[:0]
	if count := int(C.descendant_count(ct)); cap(nodes) < count {
		nodes = make([]flatNode, count)
	}
	nodes = nodes[:cap(nodes)] // the C side writes every field of the nodes it reports
	n := C.flatten(ct, unsafe.SliceData(nodes))
	if n == 0 {
		return nil, errors.New("out of memory flattening a syntax tree")
	}
	return &flatTree{nodes: nodes[:n], names: namesOf(ct), src: src}, nil
}

// The accessors take -1, "no node" (a child error recovery left out), and answer
// nothing: "" for its kind, field and text, -1 for its relatives. Code dense with
// lookups then cannot crash on a tree the grammar only half built.

func (t *flatTree) kind(i int32) string {
	if i < 0 {
		return ""
	}
	if s := int(t.nodes[i].symbol); s < len(t.names.symbols) {
		return t.names.symbols[s]
	}
	return "ERROR" // the one symbol outside the table, (uint16)-1
}

func (t *flatTree) field(i int32) string {
	if i < 0 {
		return ""
	}
	return t.names.fields[t.nodes[i].field]
}

func (t *flatTree) text(i int32) string { return string(t.source(i)) }

// source is the bytes of node i, for looking through without a copy.
func (t *flatTree) source(i int32) []byte {
	if i < 0 {
		return nil
	}
	return t.src[t.nodes[i].start_byte:t.nodes[i].end_byte]
}

func (t *flatTree) rangeOf(i int32) Range {
	if i < 0 {
		return Range{}
	}
	n := &t.nodes[i]
	return Range{Start: Position{int(n.start.row), int(n.start.column)}, End: Position{int(n.end.row), int(n.end.column)}}
}

func (t *flatTree) parent(i int32) int32 {
	if i < 0 {
		return -1
	}
	return int32(t.nodes[i].parent)
}

func (t *flatTree) firstChild(i int32) int32 {
	if i < 0 {
		return -1
	}
	return int32(t.nodes[i].first_child)
}

func (t *flatTree) nextSibling(i int32) int32 {
	if i < 0 {
		return -1
	}
	return int32(t.nodes[i].next_sibling)
}

// children lists a node's named children, extras (comments) left out.
func (t *flatTree) children(i int32) []int32 {
	var out []int32
	for c := t.firstChild(i); c >= 0; c = t.nextSibling(c) {
		if t.nodes[c].extra == 0 {
			out = append(out, c)
		}
	}
	return out
}

// child is the first named child of i in the given field, or -1.
func (t *flatTree) child(i int32, field string) int32 {
	for c := t.firstChild(i); c >= 0; c = t.nextSibling(c) {
		if t.field(c) == field {
			return c
		}
	}
	return -1
}

// childOfKind is the child of i in the given field when it has the given kind, or -1.
func (t *flatTree) childOfKind(i int32, field, kind string) int32 {
	if c := t.child(i, field); c >= 0 && t.kind(c) == kind {
		return c
	}
	return -1
}

func (t *flatTree) parentKind(i int32) string {
	if p := t.parent(i); p >= 0 {
		return t.kind(p)
	}
	return ""
}

func (t *flatTree) grandparentKind(i int32) string {
	if p := t.parent(i); p >= 0 {
		return t.parentKind(p)
	}
	return ""
}
