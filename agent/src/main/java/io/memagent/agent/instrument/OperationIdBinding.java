package io.memagent.agent.instrument;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/**
 * Binds {@link OperationId} to an int constant: the registry's id for the method being
 * instrumented. The id is decided once, at class-load time, so the hot path never looks up a
 * name.
 */
final class OperationIdBinding implements Advice.OffsetMapping.Factory<OperationId> {
    private final OperationRegistry registry;
    private final OperationNaming naming;

    OperationIdBinding(OperationRegistry registry, OperationNaming naming) {
        this.registry = registry;
        this.naming = naming;
    }

    @Override
    public Class<OperationId> getAnnotationType() {
        return OperationId.class;
    }

    @Override
    public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target,
                                     AnnotationDescription.Loadable<OperationId> annotation,
                                     AdviceType adviceType) {
        return new Advice.OffsetMapping() {
            @Override
            public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                                  Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
                long spikeBytes = naming.spikeBytes(instrumentedType, instrumentedMethod);
                int id = registry.register(naming.name(instrumentedType, instrumentedMethod),
                        OperationNaming.methodSignature(instrumentedType, instrumentedMethod), "method", spikeBytes);
                if (spikeBytes > 0) {
                    io.memagent.bootstrap.RecordingThresholds.lowerForOperation(spikeBytes); // before the woven code runs
                }
                return new Target.ForStackManipulation(IntegerConstant.forValue(id));
            }
        };
    }
}
