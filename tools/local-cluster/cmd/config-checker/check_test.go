package main

import (
	"maps"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

type fakeStore struct {
	secrets    map[string]*Keys
	configMaps map[string]*Keys
}

func (f fakeStore) Secret(ns, name string) (*Keys, bool) {
	k, ok := f.secrets[ns+"/"+name]
	return k, ok
}

func (f fakeStore) ConfigMap(ns, name string) (*Keys, bool) {
	k, ok := f.configMaps[ns+"/"+name]
	return k, ok
}

func keys(names ...string) *Keys {
	k := &Keys{Data: map[string]struct{}{}, Binary: map[string]struct{}{}}
	for _, n := range names {
		k.Data[n] = struct{}{}
	}
	return k
}

var (
	yes   = true
	store = fakeStore{
		secrets:    map[string]*Keys{"ns/db": keys("password")},
		configMaps: map[string]*Keys{"ns/settings": keys("mode"), "ns/kube-root-ca.crt": keys("ca.crt")},
	}
)

func secretKey(name, key string, optional bool) corev1.EnvVar {
	ref := &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
	if optional {
		ref.Optional = &yes
	}
	return corev1.EnvVar{Name: "X", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: ref}}
}

func configMapKey(name, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: "X", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}}}
}

func pod(mod func(*corev1.PodSpec)) *corev1.Pod {
	p := &corev1.Pod{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app", Image: "web:1"}, {Name: "sidecar", Image: "proxy:1"}},
		Volumes: []corev1.Volume{{Name: "kube-api-access", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			Sources: []corev1.VolumeProjection{{ConfigMap: &corev1.ConfigMapProjection{
				LocalObjectReference: corev1.LocalObjectReference{Name: "kube-root-ca.crt"},
				Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}}}}}}},
	}}
	p.Namespace = "ns"
	if mod != nil {
		mod(&p.Spec)
	}
	return p
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		pod  *corev1.Pod
		want map[string]string
	}{
		{"no references", pod(nil), map[string]string{StateAnnotation: "ok"}},
		{"existing secret key", pod(func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{secretKey("db", "password", false), {Name: "PLAIN", Value: "1"}}
		}), map[string]string{StateAnnotation: "ok"}},
		{"missing secret", pod(func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{secretKey("api-token", "token", false)}
		}), map[string]string{StateAnnotation: "containers", ContainerErrorPrefix + "app": `secret "api-token" not found`}},
		{"missing optional secret", pod(func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{secretKey("api-token", "token", true)}
		}), map[string]string{StateAnnotation: "ok"}},
		{"missing key", pod(func(s *corev1.PodSpec) {
			s.Containers[1].Env = []corev1.EnvVar{secretKey("db", "user", false)}
		}), map[string]string{StateAnnotation: "containers", ContainerErrorPrefix + "sidecar": "couldn't find key user in Secret ns/db"}},
		{"missing configmap key", pod(func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{configMapKey("settings", "nope")}
		}), map[string]string{StateAnnotation: "containers", ContainerErrorPrefix + "app": "couldn't find key nope in ConfigMap ns/settings"}},
		{"envFrom checked before env", pod(func(s *corev1.PodSpec) {
			s.Containers[0].Env = []corev1.EnvVar{secretKey("other", "k", false)}
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{
				{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}},
				{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}}},
			}
		}), map[string]string{StateAnnotation: "containers", ContainerErrorPrefix + "app": `configmap "absent" not found`}},
		{"optional envFrom", pod(func(s *corev1.PodSpec) {
			s.Containers[0].EnvFrom = []corev1.EnvFromSource{
				{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "absent"}, Optional: &yes}}}
		}), map[string]string{StateAnnotation: "ok"}},
		{"first failing init container blocks", pod(func(s *corev1.PodSpec) {
			s.InitContainers = []corev1.Container{
				{Name: "ok", Image: "x"},
				{Name: "migrate", Image: "x", Env: []corev1.EnvVar{secretKey("absent", "k", false)}},
				{Name: "later", Image: "x", Env: []corev1.EnvVar{secretKey("absent2", "k", false)}},
			}
		}), map[string]string{StateAnnotation: "init", ContainerErrorPrefix + "migrate": `secret "absent" not found`}},
		{"secret volume", pod(func(s *corev1.PodSpec) {
			s.Volumes = append(s.Volumes, corev1.Volume{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "tls"}}})
			s.Containers[0].Env = []corev1.EnvVar{secretKey("absent", "k", false)}
		}), map[string]string{StateAnnotation: "mount", VolumeErrorPrefix + "tls": `secret "tls" not found`,
			ContainerErrorPrefix + "app": `secret "absent" not found`}},
		{"configmap volume item", pod(func(s *corev1.PodSpec) {
			s.Volumes = append(s.Volumes, corev1.Volume{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}, Items: []corev1.KeyToPath{{Key: "nope", Path: "p"}}}}})
		}), map[string]string{StateAnnotation: "mount", VolumeErrorPrefix + "cfg": "configmap references non-existent config key: nope"}},
		{"projected volume, root CA not published yet", func() *corev1.Pod {
			p := pod(nil)
			p.Namespace = "fresh"
			return p
		}(), map[string]string{StateAnnotation: "mount", VolumeErrorPrefix + "kube-api-access": `configmap "kube-root-ca.crt" not found`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.pod, store).Annotations()
			if !maps.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}
