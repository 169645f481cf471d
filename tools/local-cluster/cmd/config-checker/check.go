package main

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// Annotations the checker writes on pods that have not started yet; the kwok
// pod stages (sim/stages-pod.yaml) read them.
const (
	// StateAnnotation says how far a kubelet would get with the pod's
	// Secrets and ConfigMaps as they are now: one of the State* values.
	StateAnnotation = "sim.slipway.dev/config-check"
	// ContainerErrorPrefix + container name: the error a kubelet would report
	// as CreateContainerConfigError for that (init) container.
	ContainerErrorPrefix = "container-config-error.sim.slipway.dev/"
	// VolumeErrorPrefix + volume name: the error of MountVolume.SetUp.
	VolumeErrorPrefix = "volume-mount-error.sim.slipway.dev/"
)

const (
	// StateOK: everything the pod refers to exists; it starts normally.
	StateOK = "ok"
	// StateMount: a secret/configMap/projected volume cannot be set up; the
	// pod stays in ContainerCreating (kubelet: FailedMount), nothing runs.
	StateMount = "mount"
	// StateInit: the first init container that refers to something missing
	// cannot be created (CreateContainerConfigError); the pod stays initializing.
	StateInit = "init"
	// StateContainers: volumes and init containers are fine, but at least one
	// container cannot be created (CreateContainerConfigError).
	StateContainers = "containers"
)

// Keys is what the checker keeps of a Secret or ConfigMap: the names of its
// keys (never the values).
type Keys struct {
	// Data: Secret .data, ConfigMap .data.
	Data map[string]struct{}
	// Binary: ConfigMap .binaryData.
	Binary map[string]struct{}
}

func (k *Keys) has(key string) bool {
	_, ok := k.Data[key]
	return ok
}

func (k *Keys) hasDataOrBinary(key string) bool {
	_, ok := k.Binary[key]
	return ok || k.has(key)
}

// Store looks up Secrets and ConfigMaps by namespace and name.
type Store interface {
	Secret(namespace, name string) (*Keys, bool)
	ConfigMap(namespace, name string) (*Keys, bool)
}

// Verdict is what a kubelet would run into with the pod's references.
type Verdict struct {
	State string
	// Containers maps a container (or the first failing init container) to
	// its CreateContainerConfigError message.
	Containers map[string]string
	// Volumes maps a volume to its MountVolume.SetUp error.
	Volumes map[string]string
}

// Annotations renders the verdict as the pod annotations the stages read.
func (v Verdict) Annotations() map[string]string {
	out := map[string]string{StateAnnotation: v.State}
	for name, msg := range v.Containers {
		out[ContainerErrorPrefix+name] = msg
	}
	for name, msg := range v.Volumes {
		out[VolumeErrorPrefix+name] = msg
	}
	return out
}

// Check does what a kubelet does with a pod's Secret and ConfigMap references
// before starting it, with the same error messages (k8s.io/kubernetes
// pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, pkg/volume/secret,
// pkg/volume/configmap, pkg/volume/projected): every volume is set up first,
// then init containers run one after another, then the containers start.
func Check(pod *corev1.Pod, store Store) Verdict {
	ns := pod.Namespace
	v := Verdict{State: StateOK, Containers: map[string]string{}, Volumes: map[string]string{}}
	for i := range pod.Spec.Volumes {
		if msg := volumeError(ns, &pod.Spec.Volumes[i], store); msg != "" {
			v.Volumes[pod.Spec.Volumes[i].Name] = msg
		}
	}
	initBlocked := false
	for i := range pod.Spec.InitContainers {
		if msg := containerError(ns, &pod.Spec.InitContainers[i], store); msg != "" {
			// Init containers run in order: the first one that cannot be
			// created blocks the rest.
			v.Containers[pod.Spec.InitContainers[i].Name] = msg
			initBlocked = true
			break
		}
	}
	for i := range pod.Spec.Containers {
		if msg := containerError(ns, &pod.Spec.Containers[i], store); msg != "" {
			v.Containers[pod.Spec.Containers[i].Name] = msg
		}
	}
	switch {
	case len(v.Volumes) > 0:
		v.State = StateMount
	case initBlocked:
		v.State = StateInit
	case len(v.Containers) > 0:
		v.State = StateContainers
	}
	return v
}

func notFound(kind, name string) string {
	// The kubelet's Secret/ConfigMap managers report NotFound with the
	// singular resource name: `secret "db" not found`.
	return fmt.Sprintf("%s %q not found", kind, name)
}

// containerError is the kubelet's makeEnvironmentVariables: envFrom first,
// then env; the first failure is the container's error ("" if none).
func containerError(ns string, c *corev1.Container, store Store) string {
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			if _, ok := store.ConfigMap(ns, from.ConfigMapRef.Name); !ok && !isTrue(from.ConfigMapRef.Optional) {
				return notFound("configmap", from.ConfigMapRef.Name)
			}
		case from.SecretRef != nil:
			if _, ok := store.Secret(ns, from.SecretRef.Name); !ok && !isTrue(from.SecretRef.Optional) {
				return notFound("secret", from.SecretRef.Name)
			}
		}
	}
	for _, env := range c.Env {
		if env.Value != "" || env.ValueFrom == nil {
			continue
		}
		switch {
		case env.ValueFrom.ConfigMapKeyRef != nil:
			ref := env.ValueFrom.ConfigMapKeyRef
			optional := isTrue(ref.Optional)
			cm, ok := store.ConfigMap(ns, ref.Name)
			if !ok {
				if optional {
					continue
				}
				return notFound("configmap", ref.Name)
			}
			if !cm.has(ref.Key) && !optional {
				return fmt.Sprintf("couldn't find key %v in ConfigMap %v/%v", ref.Key, ns, ref.Name)
			}
		case env.ValueFrom.SecretKeyRef != nil:
			ref := env.ValueFrom.SecretKeyRef
			optional := isTrue(ref.Optional)
			s, ok := store.Secret(ns, ref.Name)
			if !ok {
				if optional {
					continue
				}
				return notFound("secret", ref.Name)
			}
			if !s.has(ref.Key) && !optional {
				return fmt.Sprintf("couldn't find key %v in Secret %v/%v", ref.Key, ns, ref.Name)
			}
		}
	}
	return ""
}

// volumeError is the SetUp error of a secret, configMap or projected volume
// ("" if it can be set up, or is of another kind).
func volumeError(ns string, vol *corev1.Volume, store Store) string {
	switch {
	case vol.Secret != nil:
		if err := secretPayload(ns, vol.Secret.SecretName, vol.Secret.Items, isTrue(vol.Secret.Optional), store); err != nil {
			return err.Error()
		}
	case vol.ConfigMap != nil:
		if err := configMapPayload(ns, vol.ConfigMap.Name, vol.ConfigMap.Items, isTrue(vol.ConfigMap.Optional), store); err != nil {
			return err.Error()
		}
	case vol.Projected != nil:
		var errs []error
		for _, src := range vol.Projected.Sources {
			switch {
			case src.Secret != nil:
				if err := secretPayload(ns, src.Secret.Name, src.Secret.Items, isTrue(src.Secret.Optional), store); err != nil {
					errs = append(errs, err)
				}
			case src.ConfigMap != nil:
				if err := configMapPayload(ns, src.ConfigMap.Name, src.ConfigMap.Items, isTrue(src.ConfigMap.Optional), store); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if len(errs) > 0 {
			return utilerrors.NewAggregate(errs).Error()
		}
	}
	return ""
}

func secretPayload(ns, name string, items []corev1.KeyToPath, optional bool, store Store) error {
	s, ok := store.Secret(ns, name)
	if !ok {
		if !optional {
			return fmt.Errorf("%s", notFound("secret", name))
		}
		s = &Keys{}
	}
	for _, item := range items {
		if !s.has(item.Key) && !optional {
			return fmt.Errorf("references non-existent secret key: %s", item.Key)
		}
	}
	return nil
}

func configMapPayload(ns, name string, items []corev1.KeyToPath, optional bool, store Store) error {
	cm, ok := store.ConfigMap(ns, name)
	if !ok {
		if !optional {
			return fmt.Errorf("%s", notFound("configmap", name))
		}
		cm = &Keys{}
	}
	for _, item := range items {
		if !cm.hasDataOrBinary(item.Key) && !optional {
			return fmt.Errorf("configmap references non-existent config key: %s", item.Key)
		}
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }
