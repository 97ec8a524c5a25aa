package io.memagent.agent.instrument;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;
import net.bytebuddy.utility.visitor.ExceptionTableSensitiveMethodVisitor;

/**
 * A method with locals of the agent's right after its parameters: its own locals move up by {@link #extra}
 * slots, and each stack map frame gets {@link #entries} there. What {@link AttributionWeaver} weaves into statements,
 * handlers ({@code AttributionWeaver.WindowMethod}), servlets and filters ({@link ServletEntryMethod}) builds on
 * it, and so do profiled methods ({@link AnnotatedClassWeaver}).
 */
abstract class ShiftedLocalsMethod extends ExceptionTableSensitiveMethodVisitor {
    final int firstSlot;
    final int extra;
    final Object[] entries;
    /** The frame entries of {@code this} (instance methods) and the parameters, as at the method's start. */
    final Object[] parameters;

    /** An instance method of {@code owner}. */
    ShiftedLocalsMethod(MethodVisitor mv, String owner, String desc, Object[] entries) {
        this(mv, owner, desc, false, entries);
    }

    ShiftedLocalsMethod(MethodVisitor mv, String owner, String desc, boolean isStatic, Object[] entries) {
        super(Opcodes.ASM9, mv);
        // Type#getArgumentsAndReturnSizes counts the slot of `this` too (bits 2 and up).
        this.firstSlot = (Type.getArgumentsAndReturnSizes(desc) >> 2) - (isStatic ? 1 : 0);
        this.entries = entries;
        int slots = 0;
        for (Object e : entries) {
            slots += e == Opcodes.LONG || e == Opcodes.DOUBLE ? 2 : 1;
        }
        this.extra = slots;
        List<Object> params = new ArrayList<>();
        if (!isStatic) {
            params.add(owner);
        }
        for (Type t : Type.getArgumentTypes(desc)) {
            params.add(AnnotatedClassWeaver.frameType(t));
        }
        this.parameters = params.toArray();
    }

    int shift(int slot) {
        return slot >= firstSlot ? slot + extra : slot;
    }

    /** Frame locals: {@code head} for the slots before {@link #firstSlot}, then {@code mine}. */
    Object[] locals(Object[] head, Object... mine) {
        List<Object> out = new ArrayList<>();
        int slot = 0;
        for (int i = 0; slot < firstSlot; i++) {
            Object e = i < head.length ? head[i] : Opcodes.TOP;
            out.add(e);
            slot += e == Opcodes.LONG || e == Opcodes.DOUBLE ? 2 : 1;
        }
        out.addAll(List.of(mine));
        return out.toArray();
    }

    /** Every slot before {@link #firstSlot} as TOP: at an exit, the parameters' slots may hold anything. */
    Object[] topHead() {
        Object[] tops = new Object[firstSlot];
        java.util.Arrays.fill(tops, Opcodes.TOP);
        return tops;
    }

    @Override
    protected void onVisitVarInsn(int opcode, int slot) {
        mv.visitVarInsn(opcode, shift(slot));
    }

    @Override
    protected void onVisitIincInsn(int slot, int increment) {
        mv.visitIincInsn(shift(slot), increment);
    }

    @Override
    protected void onVisitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("frames are read expanded");
        }
        List<Object> out = new ArrayList<>(numLocal + entries.length + 2);
        int slot = 0;
        int i = 0;
        while (slot < firstSlot) {
            Object entry = i < numLocal ? local[i++] : Opcodes.TOP;
            out.add(entry);
            slot += entry == Opcodes.LONG || entry == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slot != firstSlot) {
            throw new IllegalStateException("a frame entry spans the parameters' end");
        }
        out.addAll(List.of(entries));
        while (i < numLocal) {
            out.add(local[i++]);
        }
        mv.visitFrame(type, out.size(), out.toArray(), numStack, stack);
    }

    @Override
    public void visitLocalVariable(String name, String desc, String signature, Label from, Label to, int slot) {
        super.visitLocalVariable(name, desc, signature, from, to, shift(slot));
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] from, Label[] to,
                                                          int[] slots, String descriptor, boolean visible) {
        int[] shifted = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            shifted[i] = shift(slots[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, from, to, shifted, descriptor, visible);
    }
}
